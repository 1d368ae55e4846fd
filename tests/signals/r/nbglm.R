# Reference fits of MASS::glm.nb (trend + Fourier terms) for the NB-GLM agreement test.
# usage: Rscript nbglm.R INPUT.csv LAST HARMONICS ALPHA OUTPUT.csv
# INPUT: `date` + one column per series. OUTPUT: series, theta, then mu and threshold of each evaluated period.
suppressPackageStartupMessages(library(MASS))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], check.names = FALSE)
last <- as.integer(args[2]); K <- as.integer(args[3]); alpha <- as.numeric(args[4])
n <- nrow(df); t <- seq_len(n)
terms <- data.frame(t = t)
for (k in seq_len(K)) { terms[[paste0("s", k)]] <- sin(2 * pi * k * t / 52); terms[[paste0("c", k)]] <- cos(2 * pi * k * t / 52) }
train <- seq_len(n - last); new <- (n - last + 1):n
rows <- list()
for (name in colnames(df)[-1]) {
  d <- cbind(y = df[[name]], terms)
  fit <- suppressWarnings(glm.nb(y ~ ., data = d[train, ], control = glm.control(maxit = 100)))
  mu <- predict(fit, newdata = d[new, ], type = "response")
  rows[[name]] <- data.frame(series = name, period = seq_along(new), theta = fit$theta, mu = mu,
                             threshold = qnbinom(1 - alpha, size = fit$theta, mu = mu))
}
write.csv(do.call(rbind, rows), args[5], row.names = FALSE)
