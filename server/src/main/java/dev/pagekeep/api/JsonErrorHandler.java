package dev.pagekeep.api;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before a request reaches Javalin (a malformed Host, a URI
 * or header block over the limit, an ambiguous path): the same {@code {"error":{...}}} shape
 * as every other error, with only the standard reason phrase. Jetty's default page is HTML that
 * echoes the request URI back; this never echoes input and never carries a stack trace. One
 * variant for the server, one for the servlet context (Jetty asks each in its own place).
 */
final class JsonErrorHandler {
  private JsonErrorHandler() {}

  static final class ForServer extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
      return writeJson(response, callback, code);
    }
  }

  static final class ForServlets extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
      return true;
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
      return writeJson(response, callback, code);
    }
  }

  private static boolean writeJson(Response response, Callback callback, int code) {
    String reason = HttpStatus.getMessage(code).replaceAll("[^A-Za-z0-9 '-]", "");
    String body = "{\"error\":{\"code\":\"" + HttpApi.codeFor(code) + "\",\"message\":\"" + reason + "\"}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
