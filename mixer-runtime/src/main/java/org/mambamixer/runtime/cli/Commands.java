package org.mambamixer.runtime.cli;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/** The launcher's command registry: one {@link MapBinder} entry per sub-command name. */
public final class Commands {
  private Commands() {}

  public static MapBinder<String, LauncherCommand> registry(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, LauncherCommand.class);
  }
}
