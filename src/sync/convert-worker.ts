// Worker side of the convert pool: one job per message (a page to convert, a listing page to read), nothing else.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { WORKER_JOBS, type JobKind } from './convert-page.js';

/** Nice value of a worker thread: conversion can wait a moment, a response in the main thread should not. */
const WORKER_NICE = 10;

/**
 * Lowers this thread's scheduling priority (not the process's): when the cores are busy, the main
 * thread, which sends requests and takes responses, runs first, so no response waits for a core
 * behind a page conversion. Linux only, where a thread has its own nice value and id
 * (/proc/thread-self); elsewhere threads keep the process's priority.
 */
function runInBackground(): void {
  let threadId: number;
  try {
    threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  if (!Number.isInteger(threadId) || threadId <= 0) return;
  try {
    setPriority(threadId, WORKER_NICE);
  } catch {
    // Not allowed (a sandbox): the thread runs at the process's priority, only slower under load.
  }
}

runInBackground();

parentPort?.on('message', ({ id, kind, job }: { id: number; kind: JobKind; job: never }) => {
  try {
    parentPort!.postMessage({ id, result: WORKER_JOBS[kind](job) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
