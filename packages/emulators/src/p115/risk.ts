/**
 * Risk control (风控): 115 publishes no limits; over-eager cookies get Aliyun's WAF page with
 * HTTP 405 or errno 911/590075 and stay blocked for a while (web notes §7.3). The emulator counts
 * requests per cookie in fixed windows; over the budget, the cookie is blocked until a cool-down
 * passes. Choice where the notes are vague: the block is cookie-scoped (not IP-scoped) and a
 * blocked cookie's requests do not extend the cool-down.
 */
export interface RiskControlOptions {
  /** Requests allowed per cookie in each window. */
  budget: number;
  windowMs: number;
  coolDownMs: number;
  /** How a blocked request is answered. */
  answer: 'waf405' | 'errno911' | 'errno590075';
}

interface Counter {
  windowStart: number;
  count: number;
  blockedUntil: number;
}

export class RiskControl {
  private readonly counters = new Map<string, Counter>();
  blockedRequests = 0;

  constructor(public options: RiskControlOptions | undefined) {}

  /** Counts one request; returns how to refuse it, or undefined to let it through. */
  check(key: string, now = Date.now()): RiskControlOptions['answer'] | undefined {
    const opts = this.options;
    if (!opts) return undefined;
    const c = this.counters.get(key) ?? { windowStart: now, count: 0, blockedUntil: 0 };
    this.counters.set(key, c);
    if (now < c.blockedUntil) {
      this.blockedRequests++;
      return opts.answer;
    }
    if (now - c.windowStart >= opts.windowMs) {
      c.windowStart = now;
      c.count = 0;
    }
    c.count++;
    if (c.count > opts.budget) {
      c.blockedUntil = now + opts.coolDownMs;
      c.count = 0;
      this.blockedRequests++;
      return opts.answer;
    }
    return undefined;
  }

  reset(): void {
    this.counters.clear();
  }
}

/**
 * The page Aliyun's WAF serves with HTTP 405, in the shape quoted in AlistGo/alist issues #7191 and
 * #7367 (`<html lang="zh-cn">`, `data-spm` a3c0e, `<title>405</title>`); the text is the notes'.
 */
export const WAF_405_PAGE = `<!DOCTYPE html>
<html lang="zh-cn">
<head><meta charset="utf-8"><meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1"><meta name="data-spm" content="a3c0e"><title>405</title></head>
<body>
<h1>405</h1>
<p>很抱歉，由于您访问的URL有可能对网站造成安全威胁，您的访问被阻断。</p>
<p>Sorry, your request has been blocked as it may cause potential threats to the server's security.</p>
</body>
</html>
`;

export type Fault =
  /** The next `times` API (not CDN) requests whose path starts with `pathPrefix` answer HTTP 5xx. */
  | { kind: 'http5xx'; status?: number; pathPrefix?: string; times: number }
  /** The next `times` CDN responses stop after `afterBytes` body bytes and the socket is destroyed. */
  | { kind: 'drop'; afterBytes: number; times: number }
  /** Every download URL issued so far expires once the CDN has served `afterBytes` more bytes. */
  | { kind: 'expireUrls'; afterBytes: number }
  /** The next `times` OSS UploadPart PUTs are drained and answered HTTP `status` (default 500) with OSS's XML error. */
  | { kind: 'ossPartFail'; status?: number; times: number }
  /**
   * Every STS token issued so far expires once the OSS fake has seen `afterRequests` more requests
   * (0: the very next OSS request is refused), to test a client's token refresh mid-upload.
   */
  | { kind: 'expireSts'; afterRequests: number };

export class Faults {
  private readonly pending: Fault[] = [];

  add(fault: Fault): void {
    this.pending.push({ ...fault });
  }

  clear(): void {
    this.pending.length = 0;
  }

  takeHttp5xx(path: string): number | undefined {
    const f = this.pending.find((p) => p.kind === 'http5xx' && (!p.pathPrefix || path.startsWith(p.pathPrefix)));
    if (!f || f.kind !== 'http5xx') return undefined;
    if (--f.times <= 0) this.pending.splice(this.pending.indexOf(f), 1);
    return f.status ?? 502;
  }

  takeDrop(): number | undefined {
    const f = this.pending.find((p) => p.kind === 'drop');
    if (!f || f.kind !== 'drop') return undefined;
    if (--f.times <= 0) this.pending.splice(this.pending.indexOf(f), 1);
    return f.afterBytes;
  }

  takeOssPartFail(): number | undefined {
    const f = this.pending.find((p) => p.kind === 'ossPartFail');
    if (!f || f.kind !== 'ossPartFail') return undefined;
    if (--f.times <= 0) this.pending.splice(this.pending.indexOf(f), 1);
    return f.status ?? 500;
  }

  /** Counts one OSS request against a pending STS expiry; true when the tokens expire now. */
  takeExpireSts(): boolean {
    const f = this.pending.find((p) => p.kind === 'expireSts');
    if (!f || f.kind !== 'expireSts') return false;
    if (f.afterRequests-- > 0) return false;
    this.pending.splice(this.pending.indexOf(f), 1);
    return true;
  }

  /** Removes and returns the pending URL-expiry fault, if any. */
  takeExpireUrls(): number | undefined {
    const i = this.pending.findIndex((p) => p.kind === 'expireUrls');
    if (i < 0) return undefined;
    const [f] = this.pending.splice(i, 1);
    return f?.kind === 'expireUrls' ? f.afterBytes : undefined;
  }
}
