package org.mambamixer.vision.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mambamixer.runtime.data.CorruptDataException;

/**
 * A minimal reader of POSIX ustar archives (the CIFAR-10 JPEG tarballs): 512-byte headers with
 * octal sizes and a checksum, content padded to 512 bytes, two zero blocks at the end.
 */
final class TarEntries {
  private static final int BLOCK = 512;

  /** One archive member: its path, type flag ('0' or NUL for a file, '5' a folder) and content. */
  record Entry(String name, char type, byte[] content) {
    boolean isFile() {
      return type == '0' || type == '\0';
    }
  }

  private final InputStream in;
  private final String archive;
  private final byte[] header = new byte[BLOCK];
  private long offset;

  TarEntries(InputStream in, String archive) {
    this.in = in;
    this.archive = archive;
  }

  /**
   * The next member, or null at the end of the archive.
   *
   * @throws CorruptDataException naming the archive and the offset of a bad header or an early end
   */
  Entry next() throws IOException {
    if (!readBlock(header, true)) {
      return null;
    }
    if (isZero(header)) {
      return null;
    }
    long at = offset - BLOCK;
    long stored = octal(header, 148, 8, at);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      throw new CorruptDataException(archive + ": bad tar header checksum at byte " + at
          + " (stored " + stored + ", computed " + sum + ")");
    }
    String name = string(header, 0, 100);
    String prefix = string(header, 345, 155);
    if (!prefix.isEmpty()) {
      name = prefix + "/" + name;
    }
    long size = octal(header, 124, 12, at);
    if (size > Integer.MAX_VALUE - BLOCK) {
      throw new CorruptDataException(archive + ": member " + name + " is too large (" + size + ")");
    }
    byte[] content = new byte[(int) size];
    readFully(content, name);
    long pad = (BLOCK - size % BLOCK) % BLOCK;
    readFully(new byte[(int) pad], name);
    return new Entry(name, (char) header[156], content);
  }

  private boolean readBlock(byte[] b, boolean endAllowed) throws IOException {
    int n;
    try {
      n = in.readNBytes(b, 0, b.length);
    } catch (EOFException | java.util.zip.ZipException e) {
      throw new CorruptDataException(archive + ": corrupt compressed data at byte " + offset, e);
    }
    if (n == 0 && endAllowed) {
      return false;
    }
    if (n < b.length) {
      throw new CorruptDataException(archive + ": archive ends inside a tar header at byte "
          + (offset + n));
    }
    offset += n;
    return true;
  }

  private void readFully(byte[] b, String member) throws IOException {
    int n;
    try {
      n = in.readNBytes(b, 0, b.length);
    } catch (EOFException | java.util.zip.ZipException e) {
      throw new CorruptDataException(archive + ": corrupt compressed data in " + member, e);
    }
    if (n < b.length) {
      throw new CorruptDataException(archive + ": archive ends inside member " + member);
    }
    offset += n;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int from, int len) {
    int end = from;
    while (end < from + len && b[end] != 0) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.UTF_8);
  }

  private long octal(byte[] b, int from, int len, long at) throws CorruptDataException {
    String s = string(b, from, len).trim();
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new CorruptDataException(archive + ": bad octal field '" + s + "' in the tar header at"
          + " byte " + at, e);
    }
  }
}
