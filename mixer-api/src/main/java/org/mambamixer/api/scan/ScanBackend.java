package org.mambamixer.api.scan;

/**
 * A selective-scan backend a user can choose by name ({@code --scan}): the reference on DJL ops
 * here, fused kernels where a module contributes them. Creating may fail with a reason (a GPU
 * backend on a machine without a driver); nothing is built until a run asks for it.
 */
public interface ScanBackend {

  /** Builds the backend; throws {@link IllegalStateException} naming why it cannot run here. */
  SelectiveScan create();

  /** One line for {@code ./mambamixer variants}. */
  String description();
}
