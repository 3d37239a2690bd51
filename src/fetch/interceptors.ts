import type { Dispatcher } from 'undici';

type Interceptor = Dispatcher.DispatcherComposeInterceptor;
type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/** A request the politeness gate would not send; `reason` says why (off-host, robots.txt, a PDF…). */
export class RefusedError extends Error {
  override name = 'RefusedError';
  readonly code = 'CABSYNC_REFUSED';
}

/** Per-host pacing: when the next request may start, and the host-wide pause after a 429/503. */
export interface Gate {
  /** Why this URL must not be requested, or undefined. */
  refuse(url: URL): string | undefined;
  /** Milliseconds to wait before this request may start; reserves the slot. */
  reserve(host: string): number;
  /** Milliseconds left of a host-wide pause (429/503 with Retry-After), 0 when none. */
  pausedFor(host: string): number;
  /** Called when a request actually goes on the wire. */
  onSend?(url: URL): void;
}

// Handed to a handler whose request never reached a socket, so it still has a controller to look at.
const NO_CONTROLLER: Controller = {
  aborted: false,
  paused: false,
  reason: null,
  abort: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
};

/**
 * Innermost interceptor: every request on the wire (first attempts, retries, redirect hops)
 * passes here, so the host check, robots.txt, the rate limit and a host-wide pause apply to all.
 */
export function politeness(gate: Gate): Interceptor {
  return (dispatch) =>
    function gated(opts, handler) {
      const url = new URL(opts.path, opts.origin);
      const refused = gate.refuse(url);
      if (refused !== undefined) {
        queueMicrotask(() => handler.onResponseError?.(NO_CONTROLLER, new RefusedError(`refused ${url.href}: ${refused}`)));
        return true;
      }
      const send = (): void => {
        const wait = gate.reserve(url.host);
        if (wait > 0) setTimeout(sendWhenUnpaused, wait);
        else sendWhenUnpaused();
      };
      const sendWhenUnpaused = (): void => {
        // A host pause may have begun while this request waited for its slot: queue again after it.
        const paused = gate.pausedFor(url.host);
        if (paused > 0) {
          setTimeout(send, paused);
          return;
        }
        gate.onSend?.(url);
        try {
          dispatch(opts, handler);
        } catch (error) {
          handler.onResponseError?.(NO_CONTROLLER, error as Error);
        }
      };
      send();
      return true;
    };
}

/**
 * Holds a response until its body has fully arrived, then replays it upward. Outer interceptors
 * (retry) therefore see a body cut short or stalled as a plain failed attempt and start over,
 * instead of undici's mid-body Range resume, which fails on servers without Range support.
 * Memory stays bounded by the Agent's maxResponseSize.
 */
export function wholeBody(): Interceptor {
  return (dispatch) =>
    function buffered(opts, handler) {
      return dispatch(opts, bufferingHandler(handler));
    };
}

function bufferingHandler(next: Handler): Handler {
  let start: { statusCode: number; headers: Parameters<NonNullable<Handler['onResponseStart']>>[2]; statusMessage?: string } | undefined;
  const chunks: Buffer[] = [];
  return {
    onRequestStart: (controller, context) => next.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) => next.onRequestUpgrade?.(controller, statusCode, headers, socket),
    onResponseStart: (_controller, statusCode, headers, statusMessage) => {
      start = statusMessage === undefined ? { statusCode, headers } : { statusCode, headers, statusMessage };
    },
    onResponseData: (_controller, chunk) => {
      chunks.push(chunk);
    },
    onResponseEnd: (controller, trailers) => {
      if (start === undefined) throw new Error('response ended before it started');
      next.onResponseStart?.(controller, start.statusCode, start.headers, start.statusMessage);
      for (const chunk of chunks) next.onResponseData?.(controller, chunk);
      chunks.length = 0;
      next.onResponseEnd?.(controller, trailers);
    },
    onResponseError: (controller, error) => {
      chunks.length = 0;
      next.onResponseError?.(controller, error);
    },
  };
}
