// nsreq NAME TYPE: send one request with no payload and report the outcome.
//
// TYPE is a message type number (include/clanker/message.h). Prints
//     nsreq: NAME: reply TYPE, N bytes
// or  nsreq: NAME: error CODE
// and exits 0 on a reply, 1 on an error. TYPE "spawn" runs NAME as a
// program instead (SysSpawn: the kernel loads it through NAME's server)
// and prints "nsreq: NAME: spawned PID" or the error. The end-to-end
// tests use it as a client that blocks on a server which never answers.
#include <lib/string.h>
#include <lib/user.h>

int main(int argc, char **argv)
{
    Message *request, *reply;
    int type, err;

    if (argc == 3 && strcmp(argv[2], "spawn") == 0) {
        int pid = SysSpawn(argv[1], NULL);
        if (pid < 0)
            Print("nsreq: %s: error %d\n", argv[1], pid);
        else
            Print("nsreq: %s: spawned %d\n", argv[1], pid);
        return pid < 0;
    }
    if (argc != 3 || ParseInt(argv[2], &type) != 0) {
        Print("usage: nsreq NAME TYPE\n");
        return 2;
    }
    request = CreateMessage((uint32_t)type, 0);
    reply = request ? IpcSend(argv[1], request) : NULL;
    err = MessageError(reply);
    if (err)
        Print("nsreq: %s: error %d\n", argv[1], err);
    else
        Print("nsreq: %s: reply %u, %u bytes\n", argv[1], reply->type, MessageDataLength(reply));
    FreeMessage(request);
    FreeMessage(reply);
    return err != 0;
}
