# Reference runs of surveillance::cusum for the agreement tests, in one R session.
# usage: Rscript cusum.R INPUT_DIR OUTPUT_DIR LAST TRANS...
# Writes OUTPUT_DIR/NAME_TRANS_{upperbound,alarm,cusum}.csv over the last LAST periods of each series.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
last <- as.integer(args[3])
files <- list.files(args[1], pattern = "\\.csv$", full.names = TRUE)
files <- files[!grepl("outbreaks", files)]
for (f in files) {
  df <- read.csv(f, check.names = FALSE)
  obs <- as.matrix(df[, -1, drop = FALSE]); n <- nrow(obs)
  name <- sub("\\.csv$", "", basename(f))
  s <- sts(observed = obs, frequency = 52, start = c(2000, 1))
  for (trans in args[-(1:3)]) {
    res <- cusum(s, control = list(range = (n - last + 1):n, trans = trans))
    stat <- sapply(seq_len(ncol(obs)), function(j) {
      algo.cusum(sts2disProg(s[, j]), control = list(range = (n - last + 1):n, trans = trans))$cusum
    })
    values <- list(upperbound = upperbound(res), alarm = alarms(res) * 1, cusum = matrix(stat, ncol = ncol(obs)))
    for (what in names(values)) {
      out <- data.frame(values[[what]], check.names = FALSE)
      colnames(out) <- colnames(obs)
      write.csv(out, file.path(args[2], paste0(name, "_", trans, "_", what, ".csv")), row.names = FALSE)
    }
  }
}
