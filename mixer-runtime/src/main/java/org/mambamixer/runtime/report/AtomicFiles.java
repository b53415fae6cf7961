package org.mambamixer.runtime.report;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;

/**
 * Writes files and folders so that their final name only ever holds complete content: a run
 * killed mid-write (or a writer that throws) leaves the previous version, never a truncated one.
 *
 * <p>Content goes to a hidden temp sibling ({@code .name.*.tmp}, same folder so the rename stays on
 * one file system), is fsynced, then renamed over the target with {@code ATOMIC_MOVE}. Temp files
 * are deleted when the writer fails. Missing parent folders are created.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Writes {@code text} as UTF-8. */
  public static void writeString(Path target, String text) throws IOException {
    writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes each line as UTF-8 followed by {@code '\n'}. */
  public static void writeLines(Path target, List<String> lines) throws IOException {
    write(
        target,
        out -> {
          for (String line : lines) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
          }
        });
  }

  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Lets {@code writer} stream the content, then publishes it under {@code target}. The stream is
   * buffered; the writer may close it or not.
   */
  public static void write(Path target, IOConsumer<OutputStream> writer) throws IOException {
    Path dir = parentOf(target);
    Files.createDirectories(dir);
    Path tmp = freshSibling(dir, target, ".tmp", false);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(keepOpen(Channels.newOutputStream(channel)));
        writer.accept(out);
        out.flush();
        channel.force(true);
      }
      moveIntoPlace(tmp, target);
    } catch (IOException | RuntimeException | Error e) {
      deleteQuietly(tmp, e);
      throw e;
    }
    syncFolder(dir);
  }

  /**
   * Lets {@code writer} fill a fresh temp folder next to {@code target}, then swaps it in: the old
   * folder (if any) is renamed aside, the new one renamed in, and the old one deleted. Between the
   * two renames the target name is briefly absent, but it never holds a partial folder; if the
   * second rename fails the old folder is put back.
   *
   * @throws IOException also when {@code target} exists and is not a folder
   */
  public static void writeDirectory(Path target, IOConsumer<Path> writer) throws IOException {
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
      throw new IOException(target + ": expected a folder (or nothing) to replace, found a file");
    }
    Path dir = parentOf(target);
    Files.createDirectories(dir);
    Path fresh = freshSibling(dir, target, ".new", true);
    try {
      writer.accept(fresh);
    } catch (IOException | RuntimeException | Error e) {
      deleteTreeQuietly(fresh, e);
      throw e;
    }
    Path old = null;
    try {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        old = freshSibling(dir, target, ".old", true);
        Files.delete(old); // only the unused name was wanted
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (old != null) {
          Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
          old = null;
        }
        throw e;
      }
    } catch (IOException | RuntimeException | Error e) {
      deleteTreeQuietly(fresh, e);
      throw e;
    }
    syncFolder(dir);
    if (old != null) {
      deleteTree(old);
    }
  }

  /** Deletes a file or a folder with everything in it; does nothing when absent. */
  public static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
        for (Path child : children) {
          deleteTree(child);
        }
      }
    }
    Files.deleteIfExists(path);
  }

  private static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same folder, so only exotic file systems get here; a plain replace is the best they offer.
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Creates a hidden, unused sibling name. Unlike {@code Files.createTempFile} it keeps the default
   * permissions (umask), which the published file inherits; temp files would be owner-only.
   */
  private static Path freshSibling(Path dir, Path target, String suffix, boolean folder)
      throws IOException {
    while (true) {
      Path p = dir.resolve(
          "." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
      try {
        return folder ? Files.createDirectory(p) : Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        // Drawn name taken: draw again.
      }
    }
  }

  private static Path parentOf(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null || target.getFileName() == null) {
      throw new IllegalArgumentException("target must name a file inside a folder, got " + target);
    }
    return parent;
  }

  /** Makes the rename durable where the platform allows fsync on a folder (Linux does). */
  private static void syncFolder(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UncheckedIOException e) {
      // Best effort: Windows cannot open folders as channels; the rename itself has happened.
    }
  }

  /** Swallows close() so a writer closing its stream cannot close the channel before the fsync. */
  private static OutputStream keepOpen(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static void deleteQuietly(Path tmp, Throwable cause) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  private static void deleteTreeQuietly(Path tree, Throwable cause) {
    try {
      deleteTree(tree);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
