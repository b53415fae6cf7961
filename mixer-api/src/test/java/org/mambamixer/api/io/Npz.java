package org.mambamixer.api.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads NumPy {@code .npz} archives of C-ordered little-endian float32/float64/bool arrays: the
 * format of the golden vectors produced by the Python reference.
 */
public final class Npz {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** One array: its shape and its values widened to double (bool as 0/1). */
  public record Array(long[] shape, double[] data) {
    public float[] floats() {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      return f;
    }

    public boolean bool() {
      return data.length == 1 && data[0] != 0;
    }
  }

  private Npz() {}

  /** Reads every array of an archive, keyed by name without the {@code .npy} suffix. */
  public static Map<String, Array> read(Path file) throws IOException {
    Map<String, Array> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        String name = e.getName();
        if (!name.endsWith(".npy")) {
          continue;
        }
        try {
          out.put(name.substring(0, name.length() - 4), readNpy(zip));
        } catch (IOException | RuntimeException ex) {
          throw new IOException(file + ": array " + name + ": " + ex.getMessage(), ex);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no .npy arrays in archive");
    }
    return out;
  }

  static Array readNpy(InputStream in) throws IOException {
    byte[] all = readAll(in);
    ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if (all.length < 10 || (all[0] & 0xff) != 0x93 || all[1] != 'N' || all[2] != 'U') {
      throw new IOException("not an .npy stream (bad magic)");
    }
    int major = all[6];
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      offset = 10;
    } else {
      headerLen = buf.getInt(8);
      offset = 12;
    }
    String header = new String(all, offset, headerLen, StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, "descr");
    if ("True".equals(group(FORTRAN, header, "fortran_order"))) {
      throw new IOException("fortran_order arrays are not supported");
    }
    String[] dims = group(SHAPE, header, "shape").split(",");
    long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    buf.position(offset + headerLen);
    double[] data = new double[Math.toIntExact(count)];
    for (int i = 0; i < data.length; i++) {
      data[i] = switch (descr) {
        case "<f4" -> buf.getFloat();
        case "<f8" -> buf.getDouble();
        case "|b1" -> buf.get() != 0 ? 1 : 0;
        default -> throw new IOException("unsupported dtype " + descr);
      };
    }
    return new Array(shape, data);
  }

  private static String group(Pattern p, String header, String key) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException("header has no " + key + ": " + header);
    }
    return m.group(1);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    in.transferTo(bos);
    return bos.toByteArray();
  }
}
