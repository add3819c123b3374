import type { Provider } from '@ferry/core';

/**
 * What a 115 target needs to receive (转存) from a 115 share source. Declared here, on the
 * receiving side, so the 115 provider never imports the share provider: the share provider
 * implements it.
 */
export interface P115ShareSource extends Provider {
  readonly type: 'p115-share';
  readonly share: { readonly share_code: string; readonly receive_code: string };
  /** Base URL of the webapi host the share is read through; only an account on that host can receive it. */
  readonly webapiUrl: string;
  /** How messages name the share ("115 share sw6pw793wfp", or the configured remote's name). */
  readonly label: string;
}

export function isP115ShareSource(provider: Provider): provider is P115ShareSource {
  const candidate = provider as Partial<P115ShareSource>;
  return provider.type === 'p115-share' && typeof candidate.share?.share_code === 'string' && typeof candidate.webapiUrl === 'string';
}

/** Two base URLs name the same service when they agree up to trailing slashes. */
export function sameWebapi(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return u.replace(/\/+$/, '');
    }
  };
  return norm(a) === norm(b);
}
