package dev.pagekeep.nativehost;

import dev.pagekeep.client.ServiceClient;
import dev.pagekeep.client.ServiceUnavailableException;
import dev.pagekeep.config.DataDir;
import java.io.IOException;
import java.net.ConnectException;

/**
 * The real gateway: {@link ServiceClient} over loopback HTTP. Connects on first use (starting
 * {@code serve} when none runs) and keeps the connection for later requests; when the service
 * went away in between, it connects (and so starts the service) again once.
 */
public final class ServiceClientGateway implements ServiceGateway {
  private final DataDir dir;
  private ServiceClient client; // guarded by this

  public ServiceClientGateway(DataDir dir) {
    this.dir = dir;
  }

  @Override
  public Response send(String method, String path, String jsonBodyOrNull) throws NativeRequestException {
    return sendBytes(method, path, jsonBodyOrNull == null ? null : jsonBodyOrNull.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public Response sendBytes(String method, String path, byte[] jsonBodyOrNull) throws NativeRequestException {
    ServiceClient c = client(false);
    try {
      return toResponse(c.sendBytes(method, path, jsonBodyOrNull));
    } catch (ConnectException e) {
      // Nothing listens any more: the request never reached a service, so sending it again is safe.
      try {
        return toResponse(client(true).sendBytes(method, path, jsonBodyOrNull));
      } catch (IOException again) {
        throw unavailable(again);
      }
    } catch (IOException e) {
      forget(c);
      throw unavailable(e);
    }
  }

  @Override
  public Pairing pair() throws NativeRequestException {
    ServiceClient c = client(false);
    return new Pairing(c.baseUri().toString(), c.token());
  }

  @Override
  public boolean isRunning() {
    try {
      ServiceClient.connect(dir, false);
      return true;
    } catch (ServiceUnavailableException e) {
      return false;
    }
  }

  private synchronized ServiceClient client(boolean reconnect) throws NativeRequestException {
    if (client == null || reconnect) {
      try {
        client = ServiceClient.connect(dir, true);
      } catch (ServiceUnavailableException e) {
        client = null;
        throw new NativeRequestException(ErrorCode.SERVICE_UNAVAILABLE, e.getMessage());
      } catch (RuntimeException e) {
        client = null;
        throw new NativeRequestException(ErrorCode.SERVICE_UNAVAILABLE, "cannot start pagekeep: " + e.getMessage());
      }
    }
    return client;
  }

  private synchronized void forget(ServiceClient c) {
    if (client == c) client = null;
  }

  private static Response toResponse(ServiceClient.Response r) {
    return new Response(r.status(), r.body());
  }

  private static NativeRequestException unavailable(IOException e) {
    return new NativeRequestException(ErrorCode.SERVICE_UNAVAILABLE, "pagekeep service unreachable: " + e.getMessage());
  }
}
