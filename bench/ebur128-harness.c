/* Reference measurement with libebur128 (Debian libebur128-dev) for the dubstage loudness bench.
   Reads any file libsndfile reads; prints integrated, LRA and true peak as JSON. */
#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 1; }
  SF_INFO info = {0};
  SNDFILE *f = sf_open(argv[1], SFM_READ, &info);
  if (!f) { fprintf(stderr, "%s: %s\n", argv[1], sf_strerror(NULL)); return 2; }
  ebur128_state *st = ebur128_init((unsigned)info.channels, (unsigned long)info.samplerate,
                                   EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK);
  if (info.channels == 6) { /* L R C LFE Ls Rs */
    ebur128_set_channel(st, 3, EBUR128_UNUSED);
    ebur128_set_channel(st, 4, EBUR128_LEFT_SURROUND);
    ebur128_set_channel(st, 5, EBUR128_RIGHT_SURROUND);
  }
  size_t block = 48000;
  float *buf = malloc(sizeof(float) * block * info.channels);
  sf_count_t n;
  while ((n = sf_readf_float(f, buf, block)) > 0) ebur128_add_frames_float(st, buf, (size_t)n);
  double integrated, lra, peak = 0, p;
  ebur128_loudness_global(st, &integrated);
  ebur128_loudness_range(st, &lra);
  for (int c = 0; c < info.channels; c++) { ebur128_true_peak(st, (unsigned)c, &p); if (p > peak) peak = p; }
  printf("{\"integratedLufs\":%.4f,\"loudnessRangeLu\":%.4f,\"truePeakDbtp\":%.4f}\n", integrated, lra, 20 * log10(peak));
  ebur128_destroy(&st);
  free(buf);
  sf_close(f);
  return 0;
}
