using System.Net;
using System.Net.Sockets;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// A loopback TCP relay to a real server: a process connected through it loses the server when the
/// relay is cut (every open connection closed, new ones refused) — a network partition between one
/// host and the database while the others still reach it.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _cut = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public TcpRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_cut.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cut.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        lock (_open) { _open.Add(client); _open.Add(server); }
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, _cut.Token);
            var a = client.GetStream().CopyToAsync(server.GetStream(), _cut.Token);
            var b = server.GetStream().CopyToAsync(client.GetStream(), _cut.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Closes every relayed connection and refuses new ones.</summary>
    public void Cut()
    {
        _cut.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cut.IsCancellationRequested) Cut();
        await _accepting;
        _cut.Dispose();
    }
}
