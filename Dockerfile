# Builds one pipeline project (default: penguin) into an image whose entry point is the pipeline's CLI host.
# docker build --build-arg PIPELINE=penguin -t pipelines/penguin .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PIPELINE=penguin
ARG TARGETARCH=amd64
WORKDIR /src
COPY . .
# ReadyToRun: precompiled code, so each CLI command and worker starts ~0.7 s sooner (README, "PostgreSQL and many workers").
RUN dotnet publish pipelines/${PIPELINE}/${PIPELINE}.csproj -c Release -o /app \
    -r linux-$([ "$TARGETARCH" = "arm64" ] && echo arm64 || echo x64) --self-contained false -p:PublishReadyToRun=true

FROM mcr.microsoft.com/dotnet/runtime:10.0
ARG PIPELINE=penguin
WORKDIR /app
COPY --from=build /app .
COPY schemas /app/schemas
ENV PIPELINE_EXE=/app/${PIPELINE}
ENTRYPOINT ["sh", "-c", "exec \"$PIPELINE_EXE\" \"$@\"", "--"]
