package dev.pagekeep.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A server on 127.0.0.1 that reads a request, starts an answer, then resets the connection (RST). */
public final class ResetServer implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread thread;

  public ResetServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(this::run, "reset-server");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        in.read(new byte[8192]);
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial".getBytes());
        s.getOutputStream().flush();
        s.setSoLinger(true, 0); // close with RST, not FIN
      } catch (IOException e) {
        // closed or reset: keep serving until close()
      }
    }
  }

  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/reset";
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
