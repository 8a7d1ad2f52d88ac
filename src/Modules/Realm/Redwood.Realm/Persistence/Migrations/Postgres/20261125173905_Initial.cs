using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Redwood.Realm.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "characters",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PlayerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    NameKey = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ArchivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CharacterCreatorData = table.Column<string>(type: "jsonb", nullable: false),
                    Metadata = table.Column<string>(type: "jsonb", nullable: false),
                    EquippedInventory = table.Column<string>(type: "jsonb", nullable: false),
                    NonequippedInventory = table.Column<string>(type: "jsonb", nullable: false),
                    Progress = table.Column<string>(type: "jsonb", nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false),
                    AbilitySystem = table.Column<string>(type: "jsonb", nullable: false),
                    RedwoodData = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_characters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "game_server_proxies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ModeId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    MapId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    ContinuousPlay = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ShortCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    MaxPlayersPerShard = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false),
                    OwnerPlayerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Region = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    StartOnBoot = table.Column<bool>(type: "boolean", nullable: false),
                    Zones = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    NumPlayersToAddShard = table.Column<int>(type: "integer", nullable: false),
                    NumMinutesToDestroyEmptyShard = table.Column<int>(type: "integer", nullable: false),
                    Public = table.Column<bool>(type: "boolean", nullable: false),
                    ProxyEndsWhenCollectionEnds = table.Column<bool>(type: "boolean", nullable: false),
                    CurrentPlayers = table.Column<int>(type: "integer", nullable: false),
                    ActiveCollectionId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_game_server_proxies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "global_data",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Description = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    Archived = table.Column<bool>(type: "boolean", nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_global_data", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "global_data",
                columns: new[] { "Id", "Archived", "CreatedAt", "Data", "Description" },
                values: new object[] { 1, false, new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), "{}", "Initial (empty) global data" });

            migrationBuilder.CreateIndex(
                name: "IX_characters_ArchivedAt",
                table: "characters",
                column: "ArchivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_characters_NameKey",
                table: "characters",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_characters_PlayerId",
                table: "characters",
                column: "PlayerId");

            migrationBuilder.CreateIndex(
                name: "IX_game_server_proxies_Public_EndedAt",
                table: "game_server_proxies",
                columns: new[] { "Public", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_game_server_proxies_ShortCode",
                table: "game_server_proxies",
                column: "ShortCode",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "characters");

            migrationBuilder.DropTable(
                name: "game_server_proxies");

            migrationBuilder.DropTable(
                name: "global_data");
        }
    }
}
