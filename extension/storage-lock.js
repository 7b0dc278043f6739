// Serialises read-modify-write cycles on chrome.storage within this worker, so two saves that
// finish together cannot overwrite each other's update. The chain itself holds no state.

let chain = Promise.resolve();

export function withStorageLock(fn) {
  const run = chain.then(fn, fn);
  chain = run.catch(() => {});
  return run;
}
