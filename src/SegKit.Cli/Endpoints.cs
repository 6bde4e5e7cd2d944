using System.Globalization;
using System.Net;

namespace SegKit.Cli;

/// <summary>Endpoints on the command line: PORT (this machine) or HOST:PORT, HOST an address or a name.</summary>
internal static class Endpoints
{
    public static IPEndPoint Parse(string text, string option)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            return new IPEndPoint(IPAddress.Loopback, CheckedPort(port, option));
        }

        if (IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port > 0)
        {
            return endpoint;
        }

        int colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            try
            {
                IPAddress address = Dns.GetHostAddresses(text[..colon]).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
                return new IPEndPoint(address, CheckedPort(port, option));
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
            {
                throw new CliUsageException($"{option} {text}: cannot resolve {text[..colon]} ({e.Message})");
            }
        }

        throw new CliUsageException($"{option} takes PORT or HOST:PORT, not '{text}'");
    }

    public static int CheckedPort(int port, string option) =>
        port is >= 1 and <= 65535 ? port : throw new CliUsageException($"{option} must be a port from 1 to 65535, not {port}");
}
