package org.mambamixer.api.io;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs test code with class-path entries of its own on the thread's context class loader, which
 * is where class-path lookups of resources look (the published models of a test's own zoo).
 */
public final class ContextClassPath {
  private ContextClassPath() {}

  /** What runs with the entries in place. */
  public interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} with {@code entries} (folders or jars) on the context class loader and puts
   * the previous loader back afterwards.
   *
   * @param inherit whether what the current loader finds stays visible too (parent first); false
   *     makes {@code entries} all there is, so a resource they hold cannot be shadowed
   */
  public static void with(List<Path> entries, boolean inherit, Body body) throws Exception {
    URL[] urls = new URL[entries.size()];
    for (int i = 0; i < urls.length; i++) {
      urls[i] = entries.get(i).toUri().toURL();
    }
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader(urls, inherit ? before : null)) {
      thread.setContextClassLoader(loader);
      body.run();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
