#!/usr/bin/python3
"""GStreamer's RTSP server sending an ASF file as RTP with the X-ASF-PF
payload (rtpasfpay), for Eddy's interop tests.

Usage: /usr/bin/python3 gst_rtsp_server.py FILE PORT
Binds 127.0.0.1, mounts /test, gives every client its own pipeline from
the start of the file, and prints "ready" once it listens. Needs Debian's
python3-gi and gir1.2-gst-rtsp-server-1.0.
"""
import sys
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
path, port = sys.argv[1], sys.argv[2]
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch('( filesrc location="%s" ! asfparse ! rtpasfpay name=pay0 pt=96 )' % path)
factory.set_shared(False)
server.get_mount_points().add_factory('/test', factory)
server.attach(None)
print('ready', flush=True)
GLib.MainLoop().run()
