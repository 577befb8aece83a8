// Real peers on loopback take real time: tests wait for what they expect to happen, not for a
// fixed delay. Bounded, so a test that would hang fails with what it waited for. 10 s, not 3: CI
// runs two test files at once beside Chromium on two cores, and five RFC 4733 digits once took
// longer than 3 s to arrive there. A passing test waits no longer for it.
export async function until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
