package dev.pagekeep.nativehost;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Records every call and answers from a script of responses (202 {} when the script is empty). */
final class RecordingServiceGateway implements ServiceGateway {
  record Call(String method, String path, String body) {}

  final List<Call> calls = new ArrayList<>();
  private final Deque<Response> script = new ArrayDeque<>();
  boolean available = true;
  boolean running = true;

  RecordingServiceGateway answer(int status, String body) {
    script.add(new Response(status, body));
    return this;
  }

  @Override
  public synchronized Response send(String method, String path, String body) throws NativeRequestException {
    if (!available) throw new NativeRequestException(ErrorCode.SERVICE_UNAVAILABLE, "serve failed to start: port in use");
    calls.add(new Call(method, path, body));
    return script.isEmpty() ? new Response(202, "{}") : script.poll();
  }

  @Override
  public Pairing pair() throws NativeRequestException {
    if (!available) throw new NativeRequestException(ErrorCode.SERVICE_UNAVAILABLE, "no service");
    return new Pairing("http://127.0.0.1:4242", "t0ken");
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
