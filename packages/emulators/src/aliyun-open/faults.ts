/**
 * Where a fault strikes: an API path ("/adrive/v1.0/openFile/create"), every part PUT, or every
 * download GET.
 */
export type FaultTarget = string | 'put' | 'download';

export type FaultKind =
  /** Answer this status with a JSON error (5xx by default: 503 ServiceUnavailable). */
  | { kind: 'status'; status?: number; code?: string }
  /** Close the socket: before any answer for API calls, halfway through the body for downloads. */
  | { kind: 'drop' }
  /**
   * On a presigned URL: answer as if it had expired (403 "Request has expired."). On an API call:
   * expire every access token issued so far, so the call fails with AccessTokenExpired.
   */
  | { kind: 'expire' }
  /** Answer 429 TooManyRequests as if over the rate limit. */
  | { kind: 'throttle'; retryAfterMs?: number };

export type Fault = FaultKind & {
  on: FaultTarget;
  /** Matching requests let through before the fault strikes (0: the next one). */
  after?: number;
  /** How many matching requests it strikes (1 by default). */
  times?: number;
};

interface Armed {
  fault: Fault;
  skip: number;
  left: number;
}

/** Faults injected by tests, each striking a counted number of matching requests. */
export class FaultPlan {
  private armed: Armed[] = [];
  struck = 0;

  inject(fault: Fault): void {
    this.armed.push({ fault, skip: fault.after ?? 0, left: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The fault for this request, if one is due; every armed fault on the target counts it. */
  take(target: FaultTarget): FaultKind | undefined {
    let due: FaultKind | undefined;
    for (const armed of this.armed) {
      if (armed.fault.on !== target || armed.left <= 0) continue;
      if (armed.skip > 0) {
        armed.skip--;
        continue;
      }
      if (!due) {
        armed.left--;
        due = armed.fault;
      }
    }
    this.armed = this.armed.filter((a) => a.left > 0);
    if (due) this.struck++;
    return due;
  }
}
