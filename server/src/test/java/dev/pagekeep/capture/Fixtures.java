package dev.pagekeep.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the fixture site from the test classpath; it is served at {@link #SITE} in tests. */
public final class Fixtures {
  public static final String SITE = "https://site.example/";
  public static final String INDEX = SITE + "index.html";
  public static final String STATIC = SITE + "static/";

  private Fixtures() {}

  public static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/site/" + path)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + path);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
