using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace NixDeploy.Ssh;

/// <summary>
/// A remote command run over a host's existing shared connection by speaking OpenSSH's multiplexing protocol
/// (PROTOCOL.mux, version 4) on its ControlPath, as <c>ssh</c> does when it finds a master: the session is the
/// master's, only no ssh client process is started for it (one costs ~25 ms of CPU, most of a no-op deploy's
/// work per host). The session's stdin, stdout and stderr are socket pairs whose far ends go to the master.
/// </summary>
internal sealed class SshMuxSession : IAsyncDisposable
{
    private const uint Hello = 0x00000001, NewSession = 0x10000002;
    private const uint SessionOpened = 0x80000006, ExitMessage = 0x80000004, TtyAllocFail = 0x80000008;
    private const uint ProtocolVersion = 4, NoEscapeCharacter = 0xffffffff, RequestId = 0;
    // The master's messages are a few words; anything longer is not a master speaking this protocol.
    private const int MaxPacket = 256 * 1024;

    private readonly Socket _control;
    private readonly Socket _input;
    private readonly NetworkStream _controlStream;

    private SshMuxSession(Socket control, Socket input, Socket output, Socket error)
    {
        _control = control;
        _controlStream = new NetworkStream(control, ownsSocket: false);
        _input = input;
        StandardOutput = new NetworkStream(output, ownsSocket: true);
        StandardError = new NetworkStream(error, ownsSocket: true);
    }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    /// <summary>
    /// The command's exit status once the master has closed the session (it does so after its output), or null when
    /// the master went away without one: the connection to the host was lost.
    /// </summary>
    public Task<int?> Completion { get; private set; } = Task.FromResult<int?>(null);

    /// <summary>
    /// Opens a session running <paramref name="command"/> (one remote shell command line) over the master listening
    /// on <paramref name="controlPath"/>. Null when there is no master to use, or it refused the session: nothing ran
    /// then, and the caller starts ssh, which connects anew (and replaces a stale socket).
    /// </summary>
    public static async Task<SshMuxSession?> TryOpenAsync(string controlPath, string command, CancellationToken cancellationToken)
    {
        if (!UnixDescriptors.IsSupported || !File.Exists(controlPath))
            return null;
        var control = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await control.ConnectAsync(new UnixDomainSocketEndPoint(controlPath), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            control.Dispose();
            return null;
        }

        var ends = new List<IDisposable> { control };
        try
        {
            var (input, remoteInput) = UnixDescriptors.SocketPair();
            ends.AddRange([input, remoteInput]);
            var (output, remoteOutput) = UnixDescriptors.SocketPair();
            ends.AddRange([output, remoteOutput]);
            var (error, remoteError) = UnixDescriptors.SocketPair();
            ends.AddRange([error, remoteError]);
            var session = new SshMuxSession(control, input, output, error);
            if (!await session.OpenAsync(command, [remoteInput, remoteOutput, remoteError], cancellationToken).ConfigureAwait(false))
            {
                foreach (var end in ends)
                    end.Dispose();
                return null;
            }
            // The master holds its own copies now.
            remoteInput.Dispose();
            remoteOutput.Dispose();
            remoteError.Dispose();
            return session;
        }
        catch (Exception e) when (e is SocketException or IOException or EndOfStreamException or InvalidDataException)
        {
            // A master exiting as its ControlPersist ends, or not a master at all: ssh will sort it out.
            foreach (var end in ends)
                end.Dispose();
            return null;
        }
        catch
        {
            foreach (var end in ends)
                end.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> to the command's stdin.</summary>
    public async Task WriteInputAsync(string text, CancellationToken cancellationToken)
    {
        await _input.SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the command's stdin (it reads end of file).</summary>
    public void CloseInput()
    {
        try
        {
            _input.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The session is over already.
        }
    }

    /// <summary>Ends the session from this side: the master closes its channel, as when an ssh client is killed.</summary>
    public ValueTask DisposeAsync()
    {
        _controlStream.Dispose();
        _control.Dispose();
        _input.Dispose();
        StandardOutput.Dispose();
        StandardError.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> OpenAsync(string command, IReadOnlyList<SafeSocketHandle> descriptors, CancellationToken cancellationToken)
    {
        await WritePacketAsync(writer => { writer.UInt32(Hello); writer.UInt32(ProtocolVersion); }, cancellationToken).ConfigureAwait(false);
        var hello = await ReadPacketAsync(cancellationToken).ConfigureAwait(false) ?? throw new EndOfStreamException();
        if (hello.UInt32() != Hello)
            throw new InvalidDataException("The control socket did not greet as an ssh master.");

        await WritePacketAsync(writer =>
        {
            writer.UInt32(NewSession);
            writer.UInt32(RequestId);
            writer.String(""); // reserved
            writer.UInt32(0); // no tty
            writer.UInt32(0); // no X11 forwarding
            writer.UInt32(0); // no agent forwarding
            writer.UInt32(0); // a command, not a subsystem
            writer.UInt32(NoEscapeCharacter);
            writer.String(""); // terminal type
            writer.String(command);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var descriptor in descriptors)
            UnixDescriptors.Send(_control, descriptor);

        var reply = await ReadPacketAsync(cancellationToken).ConfigureAwait(false) ?? throw new EndOfStreamException();
        if (reply.UInt32() != SessionOpened || reply.UInt32() != RequestId)
            return false;
        var sessionId = reply.UInt32();
        Completion = WaitForExitAsync(sessionId);
        return true;
    }

    // Like ssh's mux client, reads until the master closes the control connection: closing it first would end the session.
    private async Task<int?> WaitForExitAsync(uint sessionId)
    {
        int? exit = null;
        try
        {
            while (await ReadPacketAsync(CancellationToken.None).ConfigureAwait(false) is { } packet)
            {
                var type = packet.UInt32();
                if (type == ExitMessage && packet.UInt32() == sessionId)
                    exit = (int)packet.UInt32();
                else if (type != TtyAllocFail)
                    throw new InvalidDataException($"The ssh master sent an unexpected message 0x{type:x8}.");
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or EndOfStreamException)
        {
            // Closed under us (disposed) or dropped: whatever exit status arrived stands.
        }
        return exit;
    }

    private async Task WritePacketAsync(Action<PacketWriter> build, CancellationToken cancellationToken)
    {
        var writer = new PacketWriter();
        build(writer);
        await _controlStream.WriteAsync(writer.ToPacket(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<PacketReader?> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var read = await _controlStream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            return null;
        if (read < header.Length)
            throw new EndOfStreamException();
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > MaxPacket)
            throw new InvalidDataException($"The ssh master sent a {length}-byte message.");
        var body = new byte[length];
        await _controlStream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return new PacketReader(body);
    }

    private sealed class PacketWriter
    {
        private readonly List<byte> _bytes = [0, 0, 0, 0];

        public void UInt32(uint value)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(word, value);
            _bytes.AddRange(word);
        }

        public void String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            UInt32((uint)bytes.Length);
            _bytes.AddRange(bytes);
        }

        public byte[] ToPacket()
        {
            var packet = _bytes.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
            return packet;
        }
    }

    private sealed class PacketReader(byte[] body)
    {
        private int _offset;

        public uint UInt32()
        {
            if (_offset + 4 > body.Length)
                throw new InvalidDataException("The ssh master sent a truncated message.");
            var value = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(_offset));
            _offset += 4;
            return value;
        }
    }
}
