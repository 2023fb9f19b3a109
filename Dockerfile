# syntax=docker/dockerfile:1
# One image recipe for every deployable:
#   docker build --build-arg SERVICE=Intake -t medassist/intake:dev .
# SERVICE is the project folder under src/ (Gateway, Intake, Cases, ...); the project file is src/$SERVICE/$SERVICE.csproj.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
ARG CONFIGURATION=Release
RUN test -n "$SERVICE" || (echo "Pass --build-arg SERVICE=<project folder under src/>, e.g. SERVICE=Intake" >&2; exit 1)
WORKDIR /source
# The whole tree (less what .dockerignore drops): projects reference ServiceDefaults, Messaging and Contracts, and the
# central package versions live at the root. The NuGet cache mount keeps restores fast without copying project
# files one by one.
COPY . .
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish "src/$SERVICE/$SERVICE.csproj" -c "$CONFIGURATION" -o /app \
        -p:UseAppHost=false -p:DebugType=None \
 && test -f "/app/$SERVICE.dll"

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
ARG SERVICE
ENV SERVICE_DLL=$SERVICE.dll \
    ASPNETCORE_HTTP_PORTS=8080
WORKDIR /app
# Root owns the files, the process runs as "app" (uid 1654, defined by the image): it cannot change its own code.
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
# The assembly name varies with SERVICE, so a shell expands it; exec makes dotnet PID 1, which receives SIGTERM
# directly and shuts down gracefully.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"$SERVICE_DLL\""]
