#!/usr/bin/python3
# The seed post's client ("Making 1 million requests with python-aiohttp", the version "with
# semaphore" it ran 10k, 100k and 1M requests with), kept as the post wrote it: one ClientSession
# (so one new connection) per request, an asyncio.Semaphore(1000), one task per URL created up
# front, a line printed per response, the whole body read. Differences, all outside the hot path:
# - the URLs are read from a file (one a line; the same list pagekeep is given) instead of
#   "http://localhost:8080/{}".format(i);
# - gather(..., return_exceptions=True) and a summary on stderr (pages, errors by type, bytes read,
#   seconds, pages/s, peak RSS), so a failed request is counted instead of ending the run;
# - a new event loop instead of the deprecated asyncio.get_event_loop() without a running loop.
# usage: /usr/bin/python3 bench/aiohttp_client.py URLS_FILE [CONCURRENCY=1000] > responses.log
# Needs aiohttp (Debian: apt-get install -y python3-aiohttp).
import asyncio
import collections
import resource
import sys
import time

from aiohttp import ClientSession

read_bytes = 0


async def fetch(url):
    global read_bytes
    async with ClientSession() as session:
        async with session.get(url) as response:
            delay = response.headers.get("DELAY")
            date = response.headers.get("DATE")
            print("{}:{} with delay {}".format(date, response.url, delay))
            body = await response.read()
            read_bytes += len(body)
            return body


async def bound_fetch(sem, url):
    # getter function with semaphore
    async with sem:
        await fetch(url)


async def run(urls, concurrency):
    tasks = []
    # create instance of Semaphore
    sem = asyncio.Semaphore(concurrency)
    for url in urls:
        # pass Semaphore to every GET request
        task = asyncio.ensure_future(bound_fetch(sem, url))
        tasks.append(task)

    responses = asyncio.gather(*tasks, return_exceptions=True)
    return await responses


def main():
    urls = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    loop = asyncio.new_event_loop()
    t0 = time.monotonic()
    results = loop.run_until_complete(run(urls, concurrency))
    seconds = time.monotonic() - t0
    errors = collections.Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    ok = len(urls) - sum(errors.values())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print("aiohttp client: %d pages, %d errors %s, %d MB read, %.1f s, %.1f pages/s, peak RSS %.0f MB, CPU %.1f s"
          % (ok, sum(errors.values()), dict(errors), read_bytes >> 20, seconds, ok / seconds, usage.ru_maxrss / 1024, cpu),
          file=sys.stderr)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
