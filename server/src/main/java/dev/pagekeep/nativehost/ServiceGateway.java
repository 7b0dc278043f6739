package dev.pagekeep.nativehost;

/**
 * How the host reaches the pagekeep service. The host never opens the store: every action is an
 * HTTP call to the running service, which the gateway starts when none runs.
 */
public interface ServiceGateway {
  /** An HTTP answer from the service. */
  record Response(int status, String body) {
    public boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  /** What the extension needs to call the service directly: base URL and bearer token. */
  record Pairing(String baseUrl, String token) {}

  /**
   * Sends one request to the service, starting it first when none runs.
   *
   * @throws NativeRequestException {@link ErrorCode#SERVICE_UNAVAILABLE} when no service runs
   *     and none could be started, or the connection failed
   */
  Response send(String method, String path, String jsonBodyOrNull) throws NativeRequestException;

  /** As {@link #send}, with a JSON body already encoded as UTF-8 (a large save, sent as it came). */
  default Response sendBytes(String method, String path, byte[] jsonBody) throws NativeRequestException {
    return send(method, path, new String(jsonBody, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The service's address and token, starting the service first when none runs. */
  Pairing pair() throws NativeRequestException;

  /** Whether a service answers health checks right now; never starts one. */
  boolean isRunning();
}
