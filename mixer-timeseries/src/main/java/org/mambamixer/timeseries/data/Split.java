package org.mambamixer.timeseries.data;

/** The three chronological blocks of a series, in time order. */
public enum Split {
  TRAIN,
  VAL,
  TEST
}
