/**
 * What a run leaves on disk: atomic file and folder writes ({@link
 * org.mambamixer.runtime.report.AtomicFiles}), CSV/Markdown tables ({@link
 * org.mambamixer.runtime.report.Table}, {@link org.mambamixer.runtime.report.MetricsLog}), PNG
 * charts drawn by XChart ({@link org.mambamixer.runtime.report.Charts}) and a terminal progress
 * line ({@link org.mambamixer.runtime.report.Progress}).
 */
package org.mambamixer.runtime.report;
