import { BadInput, NotFound, ShareExpired, TransientError } from '@ferry/core';
import { type Failure115, SHARE_ERR, SHARE_STATE, type ShareInfo115 } from '@ferry/protocols';

/**
 * Why a share cannot be read, for a caller that reports many shares at once (import-share's
 * per-link results): the error classes alone cannot tell an expired share from a blocked one.
 */
export type ShareProblem = 'expired' | 'cancelled' | 'blocked' | 'under-review' | 'wrong-code' | 'not-found';

const problems = new WeakMap<Error, ShareProblem>();

function tagged<E extends Error>(err: E, problem: ShareProblem): E {
  problems.set(err, problem);
  return err;
}

/** The share problem an error from a share endpoint stands for; undefined for any other error. */
export function shareProblemOf(err: unknown): ShareProblem | undefined {
  return err instanceof Error ? problems.get(err) : undefined;
}

/**
 * What the share errors of share notes §7 mean for the user, for every endpoint that names a
 * share (snap, downurl, receive). `label` names the share in messages. Undefined for codes that
 * are not about the share itself; the caller maps those.
 */
export function shareFailure(failure: Failure115, label: string): Error | undefined {
  const code = failure.code;
  const said = `(115 said ${code ?? 'error'} ${failure.text})`.replace(' )', ')');
  switch (code) {
    case SHARE_ERR.invalid:
      // 4100009 also answers downloads and receives of a share still under review ("…审核中").
      if (failure.text.includes('审核')) return underReview(label);
      return tagged(new NotFound(`${label} is no longer valid: cancelled by its owner or removed by 115 ${said}`), 'cancelled');
    case SHARE_ERR.notFound:
      return tagged(new NotFound(`${label} does not exist or was cancelled by its owner ${said}`), 'not-found');
    case SHARE_ERR.expired:
      return tagged(new ShareExpired(`${label} has expired ${said}; ask its owner for a new link`), 'expired');
    case SHARE_ERR.codeRequired:
    case SHARE_ERR.codeWrong:
      return tagged(new BadInput(`wrong or missing access code for ${label}: give the link with ?password=... (its 4-character 访问码) ${said}`), 'wrong-code');
    case SHARE_ERR.violating:
      return blocked(label, `it holds content 115 blocks ${said}`);
    default:
      return undefined;
  }
}

function underReview(label: string): TransientError {
  return tagged(new TransientError(`${label} is under review by 115, or 115 is still building its snapshot; try again later`), 'under-review');
}

/**
 * A share 115 blocked is as dead as an expired one (nothing to retry, only a new link helps), so
 * it is reported as ShareExpired, with what 115 said.
 */
function blocked(label: string, why: string): ShareExpired {
  return tagged(new ShareExpired(`${label} was blocked by 115: ${why}; it cannot be downloaded or received`), 'blocked');
}

/**
 * A snap reply can say `state: true` for a share nobody may read (share notes §4.5, quirk 3): the
 * share_state decides, and a non-empty `forbid_reason` means 115 blocked it. `ownerView`: the
 * caller has seen items in a reply under review, so it reads as the owner.
 */
export function checkShareState(state: number | undefined, info: ShareInfo115 | undefined, label: string, ownerView = false): void {
  const forbid = info?.forbid_reason?.trim();
  if (forbid) throw blocked(label, forbid);
  if (state === undefined || state === SHARE_STATE.normal) return;
  if (state === SHARE_STATE.expired) throw tagged(new ShareExpired(`${label} has expired (share_state 7); ask its owner for a new link`), 'expired');
  // The owner, logged in, reads a share under review (share notes §4); everyone else gets nothing.
  if (state === SHARE_STATE.review) {
    if (ownerView) return;
    throw underReview(label);
  }
  throw tagged(new ShareExpired(`${label} cannot be read (share_state ${state}: cancelled or blocked by 115)`), 'cancelled');
}
