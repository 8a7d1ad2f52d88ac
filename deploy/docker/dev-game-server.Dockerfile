# The dev game server, a stand-in for a packaged Unreal server. In the Agones Fleet it runs beside a Sidecar container
# (the host image with only the Sidecar module) and reaches it on localhost at -SidecarPort.
# Build from the repository root:  docker build -f deploy/docker/dev-game-server.Dockerfile -t redwood/dev-game-server .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Redwood.DevGameServer/ src/Redwood.DevGameServer/
RUN dotnet restore src/Redwood.DevGameServer/Redwood.DevGameServer.csproj
RUN dotnet publish src/Redwood.DevGameServer/Redwood.DevGameServer.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
# Game port (players connect over TCP).
EXPOSE 7777
USER $APP_UID
# The server exits when its standard input closes (it is the host's pipe when launched locally): the Fleet keeps stdin
# open for it (stdin: true).
ENTRYPOINT ["dotnet", "Redwood.DevGameServer.dll"]
CMD ["-server", "-port=7777", "-SidecarPort=3020"]
