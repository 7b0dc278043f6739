// Module hooks for fresh(): an extension module loaded as "x.js?worker=N" imports its relative
// dependencies with the same "?worker=N", so one restart gets one new set of module instances.

export async function resolve(specifier, context, next) {
  const parent = context.parentURL ? new URL(context.parentURL) : null;
  const worker = parent && parent.searchParams.get('worker');
  const resolved = await next(specifier, context);
  if (worker && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const url = new URL(resolved.url);
    url.searchParams.set('worker', worker);
    return { ...resolved, url: url.href };
  }
  return resolved;
}
