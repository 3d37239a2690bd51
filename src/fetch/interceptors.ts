import type { Dispatcher } from 'undici';
import type { Purpose } from './policy.js';

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
  /** Why this URL must not be requested for this purpose, or undefined. */
  refuse(url: URL, purpose: Purpose): string | undefined;
  /** Milliseconds to wait before this request may start; reserves the slot. */
  reserve(host: string): number;
  /** Milliseconds left of a host-wide pause (429/503 with Retry-After), 0 when none. */
  pausedFor(host: string): number;
  /** Called when a request actually goes on the wire. */
  onSend?(url: URL): void;
  /** setTimeout, through the fetcher, which clears what is still waiting when it closes. */
  later(run: () => void, ms: number): void;
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
      const refused = gate.refuse(url, tagsOf(opts)?.purpose ?? 'page');
      if (refused !== undefined) {
        queueMicrotask(() =>
          handler.onResponseError?.(NO_CONTROLLER, new RefusedError(`refused ${url.href}: ${refused}`)),
        );
        return true;
      }
      const send = (): void => {
        const wait = gate.reserve(url.host);
        if (wait > 0) gate.later(sendWhenUnpaused, wait);
        else sendWhenUnpaused();
      };
      const sendWhenUnpaused = (): void => {
        // A host pause may have begun while this request waited for its slot: queue again after it.
        const paused = gate.pausedFor(url.host);
        if (paused > 0) {
          gate.later(send, paused);
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
 * What one request is for and the largest body it may have. Carried in the dispatch options, which
 * undici's redirect and retry handlers copy onto every hop and attempt, so each of them is judged
 * as the request it belongs to (a file's redirect hop is still a file request).
 */
export interface RequestTags {
  purpose: Purpose;
  maxBytes: number;
}

/** The dispatch options of a request, tagged. */
export function tagged<T extends object>(opts: T, tags: RequestTags): T & { cabsync: RequestTags } {
  return { ...opts, cabsync: tags };
}

function tagsOf(opts: object): RequestTags | undefined {
  return (opts as { cabsync?: RequestTags }).cabsync;
}

/** A body over its request's size cap: the download was cut off there. `size` is the declared length, when sent. */
export class TooLargeError extends Error {
  override name = 'TooLargeError';
  // undici's own code for its maxResponseSize, so every caller reads one code for "too large".
  readonly code = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';
  constructor(
    readonly limit: number,
    readonly size?: number,
  ) {
    super(`body larger than ${limit} bytes`);
  }
}

/**
 * Cuts a response off as soon as it is known to exceed its request's cap (`maxBytes` of its tags,
 * else `defaultMaxBytes`): at once from a `Content-Length`, else when the bytes received pass it.
 * The Agent's maxResponseSize is one number for every request; pages and files need different ones.
 */
export function sizeCap(defaultMaxBytes: number): Interceptor {
  return (dispatch) =>
    function capped(opts, handler) {
      return dispatch(opts, cappingHandler(handler, tagsOf(opts)?.maxBytes ?? defaultMaxBytes));
    };
}

function cappingHandler(next: Handler, limit: number): Handler {
  let received = 0;
  let cut = false;
  const cutOff = (controller: Controller, size?: number): void => {
    cut = true;
    controller.abort(new TooLargeError(limit, size));
  };
  return {
    onRequestStart: (controller, context) => next.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) =>
      next.onRequestUpgrade?.(controller, statusCode, headers, socket),
    onResponseStart: (controller, statusCode, headers, statusMessage) => {
      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) return cutOff(controller, declared);
      next.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData: (controller, chunk) => {
      if (cut) return;
      received += chunk.length;
      if (received > limit) return cutOff(controller);
      next.onResponseData?.(controller, chunk);
    },
    onResponseEnd: (controller, trailers) => {
      if (!cut) next.onResponseEnd?.(controller, trailers);
    },
    onResponseError: (controller, error) => next.onResponseError?.(controller, error),
  };
}

/**
 * Holds a response until its body has fully arrived, then replays it upward. Outer interceptors
 * (retry) therefore see a body cut short or stalled as a plain failed attempt and start over,
 * instead of undici's mid-body Range resume, which fails on servers without Range support.
 * Memory stays bounded by the size cap, composed inside this interceptor (see createFetcher).
 */
export function wholeBody(): Interceptor {
  return (dispatch) =>
    function buffered(opts, handler) {
      return dispatch(opts, bufferingHandler(handler));
    };
}

function bufferingHandler(next: Handler): Handler {
  let start:
    | { statusCode: number; headers: Parameters<NonNullable<Handler['onResponseStart']>>[2]; statusMessage?: string }
    | undefined;
  const chunks: Buffer[] = [];
  return {
    onRequestStart: (controller, context) => next.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) =>
      next.onRequestUpgrade?.(controller, statusCode, headers, socket),
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
