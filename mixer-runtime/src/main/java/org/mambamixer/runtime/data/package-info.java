/**
 * Images in memory ({@link org.mambamixer.runtime.data.ImageSet}), their per-channel
 * normalisation and the IDX reader: here rather than in one modality because ViM2 and the
 * pixel-sequence classifier both read the same MNIST-style data, and modalities do not import each
 * other.
 */
package org.mambamixer.runtime.data;
