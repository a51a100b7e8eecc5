using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NixDeploy.Ssh;

/// <summary>
/// The two Linux calls .NET does not offer: a connected socket pair, and passing a file descriptor over a unix
/// socket (<c>SCM_RIGHTS</c>), which is how an ssh ControlMaster receives a session's stdin, stdout and stderr.
/// </summary>
internal static partial class UnixDescriptors
{
    private const int UnixDomain = 1, Stream = 1, CloseOnExec = 0x80000, SocketLevel = 1, Rights = 1;

    /// <summary>Linux on a 64-bit CPU: the structure layouts below are that ABI's.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>A connected pair of unix stream sockets, closed on exec.</summary>
    public static unsafe (Socket Ours, SafeSocketHandle Theirs) SocketPair()
    {
        var fds = stackalloc int[2];
        if (socketpair(UnixDomain, Stream | CloseOnExec, 0, fds) != 0)
            throw new SocketException(Marshal.GetLastPInvokeError());
        var theirs = new SafeSocketHandle(fds[1], ownsHandle: true);
        try
        {
            return (new Socket(new SafeSocketHandle(fds[0], ownsHandle: true)), theirs);
        }
        catch
        {
            theirs.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="descriptor"/> over <paramref name="socket"/> with one byte of data, as OpenSSH's mm_send_fd does.</summary>
    public static unsafe void Send(Socket socket, SafeHandle descriptor)
    {
        byte data = 0;
        var vector = new IoVector { Base = (nint)(&data), Length = 1 };
        var control = new ControlMessage { Length = (nuint)(sizeof(nuint) + 2 * sizeof(int) + sizeof(int)), Level = SocketLevel, Type = Rights };
        var added = false;
        descriptor.DangerousAddRef(ref added);
        try
        {
            control.Descriptor = (int)descriptor.DangerousGetHandle();
            var message = new MessageHeader { Vector = (nint)(&vector), VectorLength = 1, Control = (nint)(&control), ControlLength = (nuint)sizeof(ControlMessage) };
            if (sendmsg((int)socket.Handle, &message, 0) != 1)
                throw new SocketException(Marshal.GetLastPInvokeError());
        }
        finally
        {
            if (added)
                descriptor.DangerousRelease();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint sendmsg(int socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    // struct msghdr and one cmsghdr carrying an int (CMSG_SPACE(sizeof(int)) == 24 on 64-bit Linux).
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint Vector;
        public nuint VectorLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlMessage
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Descriptor;
    }
}
