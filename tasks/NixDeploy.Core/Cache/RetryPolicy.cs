using NixDeploy.Diagnostics;

namespace NixDeploy.Cache;

/// <summary>
/// Seed 001's "retry with exponential backoff": a transient failure is tried again <see cref="Retries"/> times,
/// waiting <see cref="BaseDelay"/>, then twice that, and so on.
/// </summary>
public sealed record RetryPolicy(int Retries, TimeSpan BaseDelay)
{
    public const int DefaultRetries = 3;
    public const int DefaultBaseDelayMilliseconds = 1000;

    public static readonly RetryPolicy Default = new(DefaultRetries, TimeSpan.FromMilliseconds(DefaultBaseDelayMilliseconds));

    /// <summary>The wait before retry number <paramref name="retry"/> (from 1).</summary>
    public TimeSpan DelayBefore(int retry) => BaseDelay * Math.Pow(2, retry - 1);

    /// <summary>Fails with ND4006 naming the setting and where it is set when a value is out of range.</summary>
    public RetryPolicy Validate(string retriesSetting, string delaySetting, SettingLayers layers)
    {
        if (Retries is < 0 or > 20)
            throw layers.Refuse(ErrorCodes.InvalidCacheSetting, retriesSetting, $"{retriesSetting} is {Retries}: it must be a whole number from 0 to 20 (retries after a transient failure).");
        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromMinutes(10))
            throw layers.Refuse(ErrorCodes.InvalidCacheSetting, delaySetting, $"{delaySetting} is {BaseDelay.TotalMilliseconds:0}: it must be from 0 to 600000 milliseconds (the first retry's delay, doubled each time).");
        return this;
    }
}
