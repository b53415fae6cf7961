/**
 * What a run leaves on disk: atomic file and folder writes ({@link
 * org.mambamixer.api.report.AtomicFiles}), CSV/Markdown tables ({@link
 * org.mambamixer.api.report.Table}, {@link org.mambamixer.api.report.MetricsLog}), PNG line charts
 * ({@link org.mambamixer.api.report.LinePlot}) and a terminal progress line ({@link
 * org.mambamixer.api.report.Progress}). Pure JDK, no engine involved.
 */
package org.mambamixer.api.report;
