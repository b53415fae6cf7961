package org.mambamixer.api.report;

import java.io.IOException;

/** A callback that may fail with an {@link IOException}, e.g. a writer filling a stream or folder. */
@FunctionalInterface
public interface IOConsumer<T> {
  void accept(T value) throws IOException;
}
