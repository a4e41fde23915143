"""Secrets as operators really write them in batch scripts, and what must survive masking.

Each form is a command line (or config line) as it appears in a joblog when a script echoes
its commands (``set -x``) or a tool prints its connection string. ``secret`` must disappear
from anything derived from the joblog; ``keep`` (user, host, command) must stay so the
analysis still names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretForm:
    name: str
    text: str
    secret: str
    keep: tuple[str, ...]

    def fragments(self) -> list[str]:
        """The secret and its alphanumeric pieces of 4+ characters: none may show (a
        password containing ``@`` or ``/`` must not leak in parts either)."""
        return [self.secret, *re.findall(r"[A-Za-z0-9]{4,}", self.secret)]


_KEY_BODY = "MIIEowIBAAKCAQEAx7Rk2QvT9\nq4Zt0Lw8NcYbVhJm3pRs6KdE"

FORMS: tuple[SecretForm, ...] = (
    SecretForm(
        "curl -u",
        "curl -fsS -u etl_user:Vq8rLm2x https://api.example.com/upload -T out.csv",
        "Vq8rLm2x",
        ("curl", "etl_user", "api.example.com"),
    ),
    SecretForm(
        "curl --user",
        "curl --user etl_user:Hd3kWp9z -T out.csv ftp://ftp01.example.com/in/",
        "Hd3kWp9z",
        ("curl", "etl_user", "ftp01.example.com"),
    ),
    SecretForm(
        "curl -u quoted",
        "curl -s -u 'svc_batch:Tz4!nQ7w' https://repo.example.com/api",
        "Tz4!nQ7w",
        ("curl", "svc_batch", "repo.example.com"),
    ),
    SecretForm(
        "curl --user=",
        "curl --user=svc_batch:Gm5yRe2c https://repo.example.com/api",
        "Gm5yRe2c",
        ("curl", "svc_batch", "repo.example.com"),
    ),
    SecretForm(
        "sshpass -p",
        "sshpass -p Kw7uBn3s ssh batch@sftp01.example.com ls /in",
        "Kw7uBn3s",
        ("sshpass", "batch@sftp01.example.com"),
    ),
    SecretForm(
        "sshpass -p quoted",
        "sshpass -p 'Rb2#Lk9q' scp /data/out/a.csv batch@sftp01:/in/",
        "Rb2#Lk9q",
        ("sshpass", "scp", "batch@sftp01"),
    ),
    SecretForm(
        "sshpass -pPW",
        "sshpass -pJc6vNx4h sftp -oBatchMode=no batch@sftp01.example.com",
        "Jc6vNx4h",
        ("sshpass", "batch@sftp01.example.com"),
    ),
    SecretForm(
        "SSHPASS env",
        "SSHPASS=Yt3mQa8d sshpass -e ssh batch@sftp01.example.com",
        "Yt3mQa8d",
        ("sshpass", "batch@sftp01.example.com"),
    ),
    SecretForm(
        "docker login -p",
        "docker login -u deploy -p Wn5pZc2k registry.example.com",
        "Wn5pZc2k",
        ("docker login", "deploy", "registry.example.com"),
    ),
    SecretForm(
        "docker login --password",
        "docker login --username deploy --password Fq9sXe4r registry.example.com:5000",
        "Fq9sXe4r",
        ("docker login", "deploy", "registry.example.com:5000"),
    ),
    SecretForm(
        "redis-cli -a",
        "redis-cli -h cache01.example.com -p 6379 -a Lp4tHv8m PING",
        "Lp4tHv8m",
        ("redis-cli", "cache01.example.com", "6379"),
    ),
    SecretForm(
        "redis-cli -a quoted",
        "redis-cli --no-auth-warning -a 'Dx7(kR3n' -h cache01 PING",
        "Dx7(kR3n",
        ("redis-cli", "cache01"),
    ),
    SecretForm(
        "smbclient -U user%pw",
        "smbclient //fs01/exports -U batch%Mk2wQz7v -c 'put out.csv'",
        "Mk2wQz7v",
        ("smbclient", "//fs01/exports", "batch"),
    ),
    SecretForm(
        "smbclient -U domain\\user%pw",
        "smbclient -U 'CORP\\svc_etl%Nc8bTy5q' //fs01.corp.example.com/share",
        "Nc8bTy5q",
        ("smbclient", "svc_etl", "fs01.corp.example.com"),
    ),
    SecretForm(
        "net use pw /user:",
        "net use \\\\fs01\\exports Bv6nWs3x /user:CORP\\svc_etl",
        "Bv6nWs3x",
        ("net use", "\\\\fs01\\exports", "CORP\\svc_etl"),
    ),
    SecretForm(
        "net use drive quoted pw",
        'net use Z: \\\\fs02\\in "Qh4 zKm9" /user:CORP\\svc_etl /persistent:no',
        "Qh4 zKm9",
        ("net use", "\\\\fs02\\in", "CORP\\svc_etl"),
    ),
    SecretForm(
        "jdbc thin user/pw@host:port:SID",
        "jdbc:oracle:thin:etl/Ur7dPx2w@db01.example.com:1521:ORCL",
        "Ur7dPx2w",
        ("jdbc:oracle:thin:etl", "db01.example.com:1521"),
    ),
    SecretForm(
        "jdbc thin user/pw@//host/service",
        "jdbc:oracle:thin:etl/Ae5gKv8t@//db01.example.com:1521/DWPDB",
        "Ae5gKv8t",
        ("jdbc:oracle:thin:etl", "db01.example.com:1521"),
    ),
    SecretForm(
        "jdbc user=/password=",
        "jdbc:oracle:thin:@//db01:1521/ORCL;user=etl;password=Zs3cWq6p;",
        "Zs3cWq6p",
        ("user=etl", "db01:1521"),
    ),
    SecretForm(
        "mysql -pPW",
        "mysql -u etl -pXw9kTr4b -h db02.example.com dw",
        "Xw9kTr4b",
        ("mysql", "etl", "db02.example.com"),
    ),
    SecretForm(
        "mysql -p PW",
        "mysql -h db02.example.com -u etl -p Gt6yHm2q dw < load.sql",
        "Gt6yHm2q",
        ("mysql", "etl", "db02.example.com"),
    ),
    SecretForm(
        "mysqldump --password=",
        "mysqldump --user=etl --password=Pk3nVb7z --host=db02 dw",
        "Pk3nVb7z",
        ("mysqldump", "--user=etl", "--host=db02"),
    ),
    SecretForm(
        "PGPASSWORD",
        "PGPASSWORD=Cj8wLr5t psql -h db03.example.com -U etl -d dw -f load.sql",
        "Cj8wLr5t",
        ("psql", "db03.example.com", "etl"),
    ),
    SecretForm(
        "export AWS_SECRET_ACCESS_KEY",
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        ("export AWS_SECRET_ACCESS_KEY",),
    ),
    SecretForm(
        "aws configure set",
        "aws configure set aws_secret_access_key Rk2pLx7vHw9qTz3mNb5c",
        "Rk2pLx7vHw9qTz3mNb5c",
        ("aws configure set aws_secret_access_key",),
    ),
    SecretForm(
        "Authorization: Bearer",
        "curl -H 'Authorization: Bearer Fz8qWn3kLp5xRt2v' https://api.example.com/jobs",
        "Fz8qWn3kLp5xRt2v",
        ("curl", "Authorization: Bearer", "api.example.com"),
    ),
    SecretForm(
        "Authorization: Basic",
        'curl -H "Authorization: Basic ZXRsOkd3N2pQcTRt" https://api.example.com/jobs',
        "ZXRsOkd3N2pQcTRt",
        ("curl", "Authorization: Basic", "api.example.com"),
    ),
    SecretForm(
        "-Dpassword=",
        "java -Dpassword=Hs4vKc9n -Duser=etl -jar /opt/app/loader.jar",
        "Hs4vKc9n",
        ("java", "-Duser=etl", "/opt/app/loader.jar"),
    ),
    SecretForm(
        "-Djavax keyStorePassword",
        "java -Djavax.net.ssl.keyStorePassword=Ln7xBq2w -jar /opt/app/sync.jar",
        "Ln7xBq2w",
        ("java", "/opt/app/sync.jar"),
    ),
    SecretForm(
        "ODBC PWD=",
        "DRIVER={ODBC Driver 17 for SQL Server};SERVER=db04.example.com;UID=etl;PWD=Tq5mRz8c;",
        "Tq5mRz8c",
        ("SERVER=db04.example.com", "UID=etl"),
    ),
    SecretForm(
        "ADO Password=",
        "Server=db04;Database=dw;User Id=etl;Password=Wd2kYp6s;Encrypt=True",
        "Wd2kYp6s",
        ("Server=db04", "User Id=etl"),
    ),
    SecretForm(
        "sqlcmd -P",
        'sqlcmd -S db04.example.com -U sa -P Kb9wEr3t -Q "EXEC dbo.load"',
        "Kb9wEr3t",
        ("sqlcmd", "db04.example.com", "-U sa"),
    ),
    SecretForm(
        "sqlplus user/pw@db",
        "sqlplus -s etl/Mv6cXk2p@DWPROD @/opt/app/sql/load.sql",
        "Mv6cXk2p",
        ("sqlplus", "etl", "DWPROD"),
    ),
    SecretForm(
        "expdp user/pw@db",
        "expdp system/Jr3nGw8z@ORCL directory=DP_DIR dumpfile=full.dmp",
        "Jr3nGw8z",
        ("expdp", "system", "ORCL"),
    ),
    SecretForm(
        "private key block",
        f"-----BEGIN RSA PRIVATE KEY-----\n{_KEY_BODY}\n-----END RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEAx7Rk2QvT9",
        ("BEGIN RSA PRIVATE KEY",),
    ),
    SecretForm(
        "GitHub token",
        "git clone https://x-access-token:ghp_R8kLm2Qx7Wn4Pz9Tv3Jc6Hb5Yd1Fs0Ga8Ke2@github.com/acme/etl.git",
        "ghp_R8kLm2Qx7Wn4Pz9Tv3Jc6Hb5Yd1Fs0Ga8Ke2",
        ("git clone", "github.com/acme/etl.git"),
    ),
    SecretForm(
        "GitHub token bare",
        "GITHUB_TOKEN ghp_Z3xWq8Lm5Rt2Nv7Kp4Jc9Hb6Yd1Fs0Ga3Te8 rejected",
        "ghp_Z3xWq8Lm5Rt2Nv7Kp4Jc9Hb6Yd1Fs0Ga3Te8",
        ("rejected",),
    ),
    SecretForm(
        "AWS access key id",
        "aws s3 cp out.csv s3://acme-dw/in/ (key AKIA4QXZ7WJ2LM9RT3KP)",
        "AKIA4QXZ7WJ2LM9RT3KP",
        ("aws s3 cp", "s3://acme-dw/in/"),
    ),
    SecretForm(
        "Slack bot token",
        "notify.sh: posting with xoxb-482910374652-Tq8Lm2Wz5Rk7Xn3P to #ops",
        "xoxb-482910374652-Tq8Lm2Wz5Rk7Xn3P",
        ("notify.sh",),
    ),
    SecretForm(
        "Slack webhook",
        "curl -X POST https://hooks.slack.com/services/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",
        "Qm7Lk2Wx9Rz4Tn8Pv3Jc5Hb6",
        ("curl", "hooks.slack.com"),
    ),
    SecretForm(
        "JWT",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwiLCJleHAiOjE3MTB9.Xk2mPq7Lw9Rz3Tn8Vb5Jc1Hd6Fg0"
        " expired",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwiLCJleHAiOjE3MTB9.Xk2mPq7Lw9Rz3Tn8Vb5Jc1Hd6Fg0",
        ("expired",),
    ),
    SecretForm(
        "URL password with @",
        "wget -q https://etl:Pa@ss7Kw@repo.example.com/files/in.csv",
        "Pa@ss7Kw",
        ("wget", "etl", "repo.example.com"),
    ),
    SecretForm(
        "URL password with / and @",
        "curl -O https://etl:Zr@9/w0rdQx@repo.example.com/files/in.csv",
        "Zr@9/w0rdQx",
        ("curl", "etl", "repo.example.com"),
    ),
    SecretForm(
        "postgres URL",
        "psql postgresql://etl:Hn4kRw8z@db03.example.com:5432/dw -c 'select 1'",
        "Hn4kRw8z",
        ("psql", "etl", "db03.example.com:5432"),
    ),
    SecretForm(
        "mongodb URL",
        "mongodump --uri mongodb://admin:Vc7pLq3x@mongo01.example.com:27017/admin",
        "Vc7pLq3x",
        ("mongodump", "admin", "mongo01.example.com:27017"),
    ),
    SecretForm(
        "wget --ftp-password",
        "wget --ftp-user=batch --ftp-password=Qz6wNk2r ftp://ftp01.example.com/out/a.csv",
        "Qz6wNk2r",
        ("wget", "--ftp-user=batch", "ftp01.example.com"),
    ),
    SecretForm(
        "lftp -u user,pw",
        "lftp -u batch,Xr5tGm8w sftp://sftp01.example.com -e 'put out.csv; bye'",
        "Xr5tGm8w",
        ("lftp", "batch", "sftp01.example.com"),
    ),
    SecretForm(
        "openssl -passin pass:",
        "openssl pkcs12 -in /etc/pki/etl.p12 -passin pass:Tk8vRz3m -nokeys",
        "Tk8vRz3m",
        ("openssl", "/etc/pki/etl.p12"),
    ),
    SecretForm(
        "keytool -storepass",
        "keytool -list -keystore /opt/app/keystore.jks -storepass Wm3qLx9c",
        "Wm3qLx9c",
        ("keytool", "/opt/app/keystore.jks"),
    ),
    SecretForm(
        "ldapsearch -w",
        'ldapsearch -x -H ldap://ldap01.example.com -D "cn=etl,dc=example,dc=com" -w Bq7zKn4p',
        "Bq7zKn4p",
        ("ldapsearch", "ldap01.example.com", "cn=etl"),
    ),
    SecretForm(
        ".netrc line",
        "machine ftp01.example.com login batch password Rx2wTp8k",
        "Rx2wTp8k",
        ("ftp01.example.com", "batch"),
    ),
    SecretForm(
        "IDENTIFIED BY",
        "ALTER USER etl IDENTIFIED BY Nq5vWc7z ACCOUNT UNLOCK;",
        "Nq5vWc7z",
        ("ALTER USER etl",),
    ),
    SecretForm(
        "PowerShell ConvertTo-SecureString",
        "$pw = ConvertTo-SecureString 'Lk9rZx4t' -AsPlainText -Force",
        "Lk9rZx4t",
        ("ConvertTo-SecureString",),
    ),
    SecretForm(
        "az login -p",
        "az login --service-principal -u http://etl-sp -p Cz3wRq8n --tenant acme.example.com",
        "Cz3wRq8n",
        ("az login", "acme.example.com"),
    ),
)
