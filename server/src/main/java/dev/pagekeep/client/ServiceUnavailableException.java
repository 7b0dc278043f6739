package dev.pagekeep.client;

/** The service is not running and could not be started; the message says why in one line. */
public final class ServiceUnavailableException extends Exception {
  public ServiceUnavailableException(String message) {
    super(message);
  }
}
