# syntax=docker/dockerfile:1
# Multi-stage build: a static binary on a distroless base, run as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/selfcheck ./cmd/selfcheck \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/selfcheck /usr/local/bin/selfcheck
# DATA_DIR holds the search index and the canned answers: mount a volume
# here so canned answers survive the container.
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV DATA_DIR=/data LISTEN_ADDR=:3000
VOLUME ["/data"]
USER nonroot:nonroot
EXPOSE 3000
# Any other command runs as well; one that reads stdin needs -i, without
# which the container's stdin is empty:
#   docker run -i selfcheck review 1.2 - < draft.txt
ENTRYPOINT ["/usr/local/bin/selfcheck"]
CMD ["serve"]
