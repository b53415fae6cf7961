package org.mambamixer.runtime.report;

import java.io.IOException;

/** A callback that may throw {@link IOException}, e.g. a writer filling a stream or folder. */
@FunctionalInterface
public interface IOConsumer<T> {
  void accept(T value) throws IOException;
}
