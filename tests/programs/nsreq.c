// nsreq NAME TYPE: send one request with no payload and report the outcome.
//
// TYPE is a message type number (include/clanker/message.h). Prints
//     nsreq: NAME: reply TYPE, N bytes
// or  nsreq: NAME: error CODE
// and exits 0 on a reply, 1 on an error. The end-to-end tests use it as a
// client that blocks on a server which never answers, then see the error
// it gets when that server is killed.
#include <lib/user.h>

int main(int argc, char **argv)
{
    Message *request, *reply;
    int type, err;

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
