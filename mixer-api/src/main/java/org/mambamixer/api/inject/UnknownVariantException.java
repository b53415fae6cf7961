package org.mambamixer.api.inject;

import java.util.Collection;

/** A variant name that no module registered; the message lists the names that are. */
public final class UnknownVariantException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnknownVariantException(String kind, String name, Collection<String> known) {
    super("unknown " + kind + " '" + name + "'; known: " + String.join(", ", known));
  }
}
