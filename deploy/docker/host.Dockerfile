# The Redwood host: every module in one image; which ones run is configuration (Redwood__Modules__<Name>__Enabled).
# Build from the repository root:  docker build -f deploy/docker/host.Dockerfile -t redwood/host .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY src/ src/
RUN dotnet restore src/Redwood.Host/Redwood.Host.csproj
RUN dotnet publish src/Redwood.Host/Redwood.Host.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production
# HTTP (/health, /ready, /metrics), Director Frontend, Realm Frontend, Sidecar.
EXPOSE 3000 3001 3011 3020
# The image's unprivileged user (uid 1654); numeric, so Kubernetes can verify runAsNonRoot.
USER $APP_UID
ENTRYPOINT ["dotnet", "Redwood.Host.dll"]
