package org.mambamixer.cuda.cpu;

/**
 * What the CPU kernel's forward saves for its backward: the state before the first step of every
 * chunk of {@code chunk} scan steps, instead of all L states.
 *
 * @param chunk scan steps per chunk
 * @param nChunks ceil(len / chunk)
 * @param states (batch, dim, nChunks - 1, dstate): chunks 1.. only, since chunk 0 starts from h0
 *     (or zeros); empty for a scan of one chunk
 */
public record Checkpoints(int chunk, int nChunks, float[] states) {}
