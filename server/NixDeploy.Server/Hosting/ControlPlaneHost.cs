using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Api;
using NixDeploy.Server.Auth;
using NixDeploy.Server.Builds;
using NixDeploy.Server.Cache;
using NixDeploy.Server.Http;
using NixDeploy.Server.Rollouts;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Hosting;

/// <summary>What <c>dotnet nixdeploy serve</c> is given.</summary>
public sealed record ServeOptions(string DataDirectory, string? Urls, string? ConfigFile);

/// <summary>
/// The control plane composed: the store (migrated before anything listens), tokens, the rollout runner and the
/// API's endpoints, on Kestrel with the request size limit and TLS from the config.
/// </summary>
public static class ControlPlaneHost
{
    /// <summary>Builds the server; every problem with its data, config or addresses is a coded error before it listens.</summary>
    public static WebApplication Build(ServeOptions options)
    {
        var config = ServerConfig.Read(options.ConfigFile);
        var ssh = new DeploySettings(new SshOptions(config.Ssh?.IdentityFile, config.Ssh?.KnownHostsFile)).Validate(SettingLayers.File(options.ConfigFile)).Ssh;
        var urls = ListenAddresses.Check(options.Urls, config, options.ConfigFile);
        var certificate = ListenAddresses.Certificate(config, options.ConfigFile);
        var data = new DataDirectory(options.DataDirectory);
        var store = SqliteControlPlaneStore.Open(data.Root);
        store.InterruptRunningBuilds(DateTimeOffset.UtcNow);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = data.Root });
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes;
            if (certificate is not null)
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        builder.Logging.ClearProviders().AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        // One line at the start and end of each request, the server's own lines, and the framework's warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information);
        // Authentication brings ASP.NET's data protection, which would otherwise keep its keys in the user's home.
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(data.Root, "data-protection")));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = RolloutRunner.ShutdownGrace + TimeSpan.FromSeconds(15));
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default));
        builder.Services
            .AddSingleton<IControlPlaneStore>(store)
            .AddSingleton(data)
            .AddSingleton(ssh)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<RolloutSignal>()
            .AddSingleton<MachineSignals>()
            .AddSingleton<PullAgents>()
            .AddSingleton<DeploymentReports>()
            .AddSingleton<DeploymentIntake>()
            .AddSingleton<RolloutRecovery>()
            .AddSingleton<MachineRollbacks>()
            .AddSingleton<TokenService>()
            .AddSingleton(config.Cache ?? new CacheSettings())
            .AddSingleton<BinaryCacheFolder>()
            .AddSingleton<CacheCollector>()
            .AddHostedService<CacheCollectionSchedule>()
            .AddHostedService<RolloutRunner>()
            .AddSingleton<IBuildStore>(store)
            .AddSingleton<BuildFolders>()
            .AddSingleton(services => new BuildRunner(config.Build, store, services.GetRequiredService<BuildFolders>(),
                services.GetRequiredService<DeploymentIntake>(), TimeProvider.System, services.GetRequiredService<ILogger<BuildRunner>>()))
            .AddHostedService(services => services.GetRequiredService<BuildRunner>())
            .AddSingleton<BuildLogReader>();
        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization(RolePolicies.Add);
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "NixDeploy control plane";
            document.Info.Description = "Deployments in, rollouts out: 'Authorization: Bearer TOKEN' on every route but /health and this document.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.UseExceptionHandler(failed => failed.Run(context =>
            Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                $"The control plane failed unexpectedly ({context.Features.Get<IExceptionHandlerFeature>()?.Error.GetType().Name}). This is a bug: the server's log has the details.")));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi(ControlPlaneRoutes.OpenApi.Replace("v1", "{documentName}", StringComparison.Ordinal));
        HealthEndpoints.Map(app);
        DeploymentEndpoints.Map(app);
        MachineEndpoints.Map(app);
        AgentEndpoints.Map(app);
        TokenEndpoints.Map(app);
        CacheEndpoints.Map(app);
        BuildEndpoints.Map(app);
        return app;
    }
}
