package dev.pagekeep.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A misbehaving HTTP origin on 127.0.0.1, written on raw sockets so it can break the protocol in
 * ways a real server library refuses to: drip bytes, never end, lie about lengths, send a gzip
 * bomb, reset mid-body. Each connection runs on its own daemon thread; {@link #close()} closes
 * every socket. The server counts the bytes it wrote so a test can compare wire size with what
 * the client inflated.
 */
public final class HostileServer implements AutoCloseable {
  /** Answers one request. {@code path} is the request target as sent. */
  @FunctionalInterface
  public interface Handler {
    void handle(String path, Socket socket, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closed;

  public HostileServer(String name, Handler handler) {
    this.handler = handler;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on 127.0.0.1: " + e, e);
    }
    Thread accept = new Thread(this::acceptLoop, "hostile-" + name);
    accept.setDaemon(true);
    accept.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + (path.startsWith("/") ? path : "/" + path);
  }

  public int requests() { return requests.get(); }

  /** Bytes this server put on the wire, headers included. */
  public long bytesWritten() { return written.get(); }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "hostile-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      OutputStream out = new CountingOutput(s.getOutputStream());
      while (!closed) {
        String head = readHead(in);
        if (head == null) return;
        requests.incrementAndGet();
        String[] first = head.split("\r\n", 2)[0].split(" ");
        handler.handle(first.length > 1 ? first[1] : "/", s, out);
        out.flush();
        if (s.isClosed() || s.isOutputShutdown()) return;
      }
    } catch (IOException | InterruptedException e) {
      // the client gave up or the test closed us: that is the point of most handlers
    } finally {
      open.remove(s);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    int state = 0;
    while ((c = in.read()) != -1) {
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) return b.toString(StandardCharsets.ISO_8859_1);
      if (b.size() > 64 * 1024) return null;
    }
    return null;
  }

  private final class CountingOutput extends OutputStream {
    private final OutputStream out;

    CountingOutput(OutputStream out) { this.out = out; }

    @Override public void write(int b) throws IOException {
      out.write(b);
      written.incrementAndGet();
    }

    @Override public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      written.addAndGet(len);
    }

    @Override public void flush() throws IOException { out.flush(); }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  // ---- the behaviours -------------------------------------------------------------------------

  static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Headers at once, then one byte of body per second, forever. */
  public static HostileServer slowDrip() {
    return new HostileServer("drip", (path, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n");
      while (true) {
        write(out, "<");
        Thread.sleep(1000);
      }
    });
  }

  /** A 200 with no length that never stops sending HTML. */
  public static HostileServer endlessBody() {
    byte[] chunk = "<p>more and more and more</p>\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    return new HostileServer("endless", (path, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n");
      while (true) out.write(chunk);
    });
  }

  /**
   * {@code Content-Encoding: gzip} whose stream inflates to {@code inflatedBytes} of spaces
   * (about a thousandth of that on the wire), deflated on the fly so it costs the server nothing
   * when the client stops reading.
   */
  public static HostileServer gzipBomb(long inflatedBytes) {
    return new HostileServer("gzip-bomb", (path, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n");
      out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
      CRC32 crc = new CRC32();
      byte[] plain = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      byte[] buf = new byte[64 * 1024];
      try {
        for (long left = inflatedBytes; left > 0; left -= plain.length) {
          int n = (int) Math.min(plain.length, left);
          crc.update(plain, 0, n);
          deflater.setInput(plain, 0, n);
          while (!deflater.needsInput()) {
            int k = deflater.deflate(buf);
            out.write(buf, 0, k);
          }
        }
        deflater.finish();
        while (!deflater.finished()) out.write(buf, 0, deflater.deflate(buf));
        long size = inflatedBytes & 0xffffffffL;
        long c = crc.getValue();
        out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
      } finally {
        deflater.end();
      }
      s.close();
    });
  }

  /** {@code /loop} redirects to itself; {@code /a} and {@code /b} redirect to each other. */
  public static HostileServer redirectLoop() {
    return new HostileServer("loop", (path, s, out) -> {
      String next = path.equals("/a") ? "/b" : path.equals("/b") ? "/a" : path;
      write(out, "HTTP/1.1 302 Found\r\nLocation: " + next + "\r\nContent-Length: 0\r\n\r\n");
    });
  }

  /** {@code /chain/N} redirects to {@code /chain/N+1} until {@code length}, which is a page. */
  public static HostileServer redirectChain(int length) {
    return new HostileServer("chain", (path, s, out) -> {
      int n = path.startsWith("/chain/") ? Integer.parseInt(path.substring(7)) : 0;
      if (n >= length) {
        html(out, "<title>end of the chain</title><p>you made it</p>");
      } else {
        write(out, "HTTP/1.1 301 Moved\r\nLocation: /chain/" + (n + 1) + "\r\nContent-Length: 0\r\n\r\n");
      }
    });
  }

  /** A 200 whose header block is about {@code bytes} long, as many headers or as one long line. */
  public static HostileServer hugeHeaders(int bytes, boolean oneLine) {
    return new HostileServer("huge-headers", (path, s, out) -> {
      StringBuilder h = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
      if (oneLine) {
        h.append("X-Huge: ").append("a".repeat(bytes)).append("\r\n");
      } else {
        for (int i = 0; h.length() < bytes; i++) h.append("X-Junk-").append(i).append(": ").append("b".repeat(100)).append("\r\n");
      }
      h.append("Content-Length: 12\r\nConnection: close\r\n\r\n<p>hello</p>");
      write(out, h.toString());
      s.close();
    });
  }

  /** Promises 100,000 bytes, sends 5,000, then resets the connection (RST). */
  public static HostileServer resetMidBody() {
    return new HostileServer("reset", (path, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n" + "<p>x</p>".repeat(625));
      s.setSoLinger(true, 0);
      s.close();
    });
  }

  /** Chunked encoding with a chunk size that is not hex ({@code /bad}) or overflows a long ({@code /overflow}). */
  public static HostileServer invalidChunked() {
    return new HostileServer("bad-chunked", (path, s, out) -> {
      String size = path.equals("/overflow") ? "fffffffffffffffffffff" : "zz";
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n" + size + "\r\n<p>junk</p>\r\n0\r\n\r\n");
      s.close();
    });
  }

  /** Content-Length says {@code declared}, the body has {@code actual} bytes, then the socket closes. */
  public static HostileServer lyingLength(int declared, int actual) {
    return new HostileServer("lying-length", (path, s, out) -> {
      String body = ("<title>liar</title>" + "<p>" + "z".repeat(Math.max(0, actual))).substring(0, actual);
      write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + declared + "\r\n\r\n" + body);
      s.shutdownOutput();
    });
  }

  /** Serves {@code body} with exactly the Content-Type given (null: no Content-Type header). */
  public static HostileServer raw(String contentType, byte[] body) {
    return new HostileServer("raw", (path, s, out) -> {
      write(out, "HTTP/1.1 200 OK\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
          + "Content-Length: " + body.length + "\r\n\r\n");
      out.write(body);
    });
  }

  /**
   * {@code /} is HTML nested {@code depth} elements deep with a stylesheet; {@code /self.css}
   * {@code @import}s itself (and a second sheet that imports the first).
   */
  public static HostileServer deepNesting(int depth) {
    StringBuilder b = new StringBuilder("<!doctype html><title>deep</title><link rel=stylesheet href=/self.css>");
    for (int i = 0; i < depth; i++) b.append(i % 2 == 0 ? "<div>" : "<span>");
    b.append("bottom");
    byte[] page = b.toString().getBytes(StandardCharsets.US_ASCII);
    return new HostileServer("deep", (path, s, out) -> {
      if (path.equals("/self.css")) {
        css(out, "@import url(/self.css); @import '/other.css'; body { color: red }");
      } else if (path.equals("/other.css")) {
        css(out, "@import url(self.css); p { color: blue }");
      } else {
        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + page.length + "\r\n\r\n");
        out.write(page);
      }
    });
  }

  private static void html(OutputStream out, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + b.length + "\r\n\r\n");
    out.write(b);
  }

  private static void css(OutputStream out, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: " + b.length + "\r\n\r\n");
    out.write(b);
  }
}
