// Real peers on loopback take real time: tests wait for what they expect to happen, not for a
// fixed delay. Bounded, so a test that would hang fails with what it waited for.
export async function until(done: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
