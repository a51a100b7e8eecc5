using System.Runtime.InteropServices;

namespace NixDeploy.Ssh;

/// <summary>
/// The user running the deployer as ssh sees them: name and home from the password database (getpwuid of the real
/// uid). ssh finds <c>~</c> there, whatever <c>$HOME</c> says, and so must anything that predicts what it reads.
/// </summary>
internal sealed partial record LocalUser(string Name, string Home, uint Id)
{
    private const int RangeError = 34;

    public static LocalUser Current()
    {
        var id = getuid();
        return (OperatingSystem.IsLinux() && Environment.Is64BitProcess ? Entry(id) : null)
            // Elsewhere struct passwd is laid out differently; $HOME is the best guess there.
            ?? new LocalUser(Environment.UserName, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), id);
    }

    private static unsafe LocalUser? Entry(uint id)
    {
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* start = buffer)
            {
                Passwd entry;
                Passwd* found;
                var error = getpwuid_r(id, &entry, start, (nuint)size, &found);
                if (error == RangeError)
                    continue;
                if (error != 0 || found == null)
                    return null;
                return new LocalUser(Marshal.PtrToStringUTF8(entry.Name) ?? "", Marshal.PtrToStringUTF8(entry.Directory) ?? "", id);
            }
        }
        return null;
    }

    [LibraryImport("libc")]
    private static partial uint getuid();

    [LibraryImport("libc")]
    private static unsafe partial int getpwuid_r(uint uid, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    // struct passwd on 64-bit Linux (glibc and musl alike).
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint UserId;
        public uint GroupId;
        public nint Gecos;
        public nint Directory;
        public nint Shell;
    }
}
