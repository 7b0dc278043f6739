package dev.pagekeep.imports;

import java.io.IOException;

/** An import file breaks a bound that is checked while it is read (a line too long): the import fails with this reason. */
public final class ImportLimitException extends IOException {
  public ImportLimitException(String message) {
    super(message);
  }
}
