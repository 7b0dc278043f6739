import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The seed's test server, in Java: every {@code GET /{n}} answers a deterministic ~450 KB HTML
 * page after a random delay of 0..maxDelay ms (uniform, mean maxDelay/2). Jetty's non-blocking
 * core API (the Jetty inside pagekeep.jar): a delay is a timer entry on one scheduler thread,
 * and the body is written asynchronously from shared read-only buffers, so a sleeping request
 * holds no thread and no per-request copy of the page. Listens on 127.0.0.1 only, with a big
 * accept backlog, keep-alive, and exits by itself after {@code --max-seconds}.
 *
 * <pre>
 * java -cp server/target/pagekeep.jar bench/DelayServer.java [--port 0] [--max-delay-ms 1000]
 *      [--page-kb 450] [--max-seconds 3600] [--port-file FILE] [--backlog 4096]
 * </pre>
 * Prints "port N" once listening (and writes N to --port-file), and a count line on exit.
 */
public final class DelayServer {
  public static void main(String[] args) throws Exception {
    int port = 0, maxDelayMs = 1000, pageKb = 450, backlog = 4096;
    long maxSeconds = 3600;
    Path portFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--max-delay-ms" -> maxDelayMs = Integer.parseInt(args[++i]);
        case "--page-kb" -> pageKb = Integer.parseInt(args[++i]);
        case "--backlog" -> backlog = Integer.parseInt(args[++i]);
        case "--max-seconds" -> maxSeconds = Long.parseLong(args[++i]);
        case "--port-file" -> portFile = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    ByteBuffer filler = ByteBuffer.wrap(filler(pageKb * 1024)).asReadOnlyBuffer();
    ByteBuffer tail = ByteBuffer.wrap("</main></body></html>\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    AtomicLong served = new AtomicLong();
    AtomicLong notFound = new AtomicLong();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("delay"));
    int maxDelay = maxDelayMs;

    QueuedThreadPool pool = new QueuedThreadPool(16, 4);
    pool.setName("delay-server");
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setOutputBufferSize(64 * 1024);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(port);
    connector.setAcceptQueueSize(backlog);
    connector.setIdleTimeout(120_000);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        long n = pageNumber(request.getHttpURI().getPath());
        if (n < 0) {
          notFound.incrementAndGet();
          response.setStatus(404);
          response.write(true, ByteBuffer.wrap("not found\n".getBytes(StandardCharsets.US_ASCII)), callback);
          return true;
        }
        byte[] head = head(n);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, head.length + filler.remaining() + tail.remaining());
        long delay = maxDelay == 0 ? 0 : ThreadLocalRandom.current().nextLong(maxDelay + 1L);
        Runnable send = () -> response.write(false, ByteBuffer.wrap(head), Callback.from(
            () -> response.write(false, filler.duplicate(), Callback.from(
                () -> response.write(true, tail.duplicate(), Callback.from(() -> {
                  served.incrementAndGet();
                  callback.succeeded();
                }, callback::failed)),
                callback::failed)),
            callback::failed));
        if (delay == 0) send.run();
        else timer.schedule(send, delay, TimeUnit.MILLISECONDS);
        return true;
      }
    });
    server.start();
    int actual = connector.getLocalPort();
    System.out.println("port " + actual);
    System.out.flush();
    if (portFile != null) Files.writeString(portFile, actual + "\n");
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        System.out.println("delay server: served " + served.get() + " pages, " + notFound.get() + " not found")));
    long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    while (System.nanoTime() < stopAt) Thread.sleep(500);
    System.out.println("delay server: --max-seconds reached, stopping");
    server.stop();
    System.exit(0);
  }

  /** "/123" -> 123; anything else -> -1. */
  static long pageNumber(String path) {
    if (path.length() < 2 || path.length() > 19) return -1;
    long n = 0;
    for (int i = 1; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }


  /** The part that differs per page: title, heading, a link onward. */
  static byte[] head(long n) {
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Page " + n + "</title></head>\n"
        + "<body><main><h1>Page " + n + "</h1>\n<p>This is page number " + n + " of the delay server. "
        + "<a href=\"/" + (n + 1) + "\">next</a></p>\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * ~size bytes of paragraphs, the same for every page (deterministic, so runs are comparable).
   * A 16 KB block of pseudo-random words is repeated: every page is parsed in full, but deflate
   * finds the repeats, so a million stored pages fit on a laptop disk (~5 KB each).
   */
  static byte[] filler(int size) {
    String[] words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
        + "ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris "
        + "nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum "
        + "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia").split(" ");
    StringBuilder block = new StringBuilder(17 * 1024);
    long seed = 42;
    while (block.length() < 16 * 1024) {
      block.append("<p>");
      for (int w = 0; w < 80; w++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        block.append(words[(int) ((seed >>> 33) % words.length)]).append(' ');
      }
      block.append("</p>\n");
    }
    StringBuilder sb = new StringBuilder(size + block.length());
    while (sb.length() < size) sb.append(block);
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
